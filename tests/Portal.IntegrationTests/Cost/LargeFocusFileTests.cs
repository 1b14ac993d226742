using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Cost;

/// <summary>A 1 GB FOCUS file, generated as it is read (never on disk or in memory whole), imports with flat memory.</summary>
[Collection(ProcessWideCollection.Name)]
public sealed class LargeFocusFileTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private const long OneGigabyte = 1024L * 1024 * 1024;

    [Fact]
    public async Task A_one_gigabyte_file_streams_through_with_bounded_memory()
    {
        await using var db = await factory.DbAsync();
        var attribution = factory.Services.GetRequiredService<IOptions<CostAttributionOptions>>().Value;
        // Live managed memory, not the working set: after a long test run the collector's budgets (grown by other tests'
        // large bodies) let garbage pile up far past what the import holds, which says nothing about streaming.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(1000);
            }
        });
        await using var file = new GeneratedFocusStream(OneGigabyte);

        var result = await CostImporter.ImportAsync(db, file, "one-gigabyte.csv", AuditActor.System, attribution, TimeProvider.System, CancellationToken.None);
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal("succeeded", result.Status);
        Assert.True(file.Produced >= OneGigabyte, $"only {file.Produced:N0} bytes were generated");
        Assert.Equal(file.Rows, result.Rows);
        Assert.Equal(file.Rows * 0.25m, result.EffectiveCost);
        var grown = (peak - before) / 1024 / 1024;
        Assert.True(grown < 400, $"live memory grew by {grown:N0} MB while importing 1 GB");
    }

    /// <summary>A read-only stream of FOCUS CSV made on demand: a header, then rows until the size is reached.</summary>
    private sealed class GeneratedFocusStream(long size) : Stream
    {
        private byte[] _pending = Encoding.UTF8.GetBytes(Header());
        private int _offset;

        public long Produced { get; private set; }
        public int Rows { get; private set; }

        private static string Header()
        {
            using var text = new StringWriter();
            FocusCsvWriter.WriteHeader(text);
            return text.ToString();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset == _pending.Length)
            {
                if (Produced >= size)
                {
                    return 0;
                }
                using var text = new StringWriter();
                for (var i = 0; i < 1000; i++)
                {
                    var hour = new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(Rows % 2000);
                    FocusCsvWriter.WriteRow(text, FocusCsvWriter.Usage(hour, 0.25m, "AWS", "Amazon EC2", "Compute", "us-east-1", $"i-{Rows % 5000:00000}",
                        new Dictionary<string, string> { ["team"] = "payments", ["service"] = "payment-gateway", ["env"] = "prod" }, "large-file-account"));
                    Rows++;
                }
                _pending = Encoding.UTF8.GetBytes(text.ToString());
                _offset = 0;
            }
            var n = Math.Min(count, _pending.Length - _offset);
            Array.Copy(_pending, _offset, buffer, offset, n);
            _offset += n;
            Produced += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Produced; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>
/// Tests that observe the whole test process run alone, after the parallel ones: its working set (other tests'
/// 100 MB request bodies must not count against it), or a process-wide meter (ASP.NET Core's request metrics would
/// also record other tests' portals).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "Process-wide measurements";
}
