using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// Bad input against the real portal process with its default limits, all at once: 100 MB bodies, gzip bombs,
/// truncated protobuf and 100,000 attribute sets. Each gets its answer and the process's peak memory stays under the
/// 1 GiB limit its Kubernetes deployment sets.
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class IngestionMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const long MemoryLimit = 1024L * 1024 * 1024; // deploy/k8s/base/deployment.yaml: limits.memory 1Gi

    [Fact]
    public async Task Huge_bodies_gzip_bombs_and_a_hundred_thousand_streams_at_once_stay_within_the_memory_limit()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?> { ["Portal__BootstrapAdminToken"] = token });
            using var client = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            // Made in chunks: a 1 GiB array in this process would change how its garbage collector sizes the heap, and
            // the memory test of the cost import (same process, later) measures that.
            var bomb = GzipZeros(1024L * 1024 * 1024); // 1 GiB of zeros in about 1 MB
            var wide = Gzip(Wide().ToByteArray());
            var truncated = Wide().ToByteArray()[..1000];

            var answers = await Task.WhenAll(
                Enumerable.Range(0, 4).Select(_ => SendAsync(client, new ZerosContent(100L * 1024 * 1024), null))
                .Concat(Enumerable.Range(0, 4).Select(_ => SendAsync(client, bomb, "gzip")))
                .Append(SendAsync(client, wide, "gzip"))
                .Append(SendAsync(client, truncated, null)));

            Assert.Equal(Enumerable.Repeat(HttpStatusCode.RequestEntityTooLarge, 8).Append(HttpStatusCode.OK).Append(HttpStatusCode.BadRequest), answers);
            Assert.False(portal.HasExited);
            var peak = PeakResidentBytes(portal.ProcessId);
            output.WriteLine($"peak resident memory {peak / 1024 / 1024} MiB");
            Assert.True(peak < MemoryLimit, $"peak resident memory {peak / 1024 / 1024} MiB");
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    private static Task<HttpStatusCode> SendAsync(HttpClient client, byte[] body, string? encoding) => SendAsync(client, new ByteArrayContent(body), encoding);

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpContent content, string? encoding)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        try
        {
            using var response = await client.PostAsync("/v1/metrics", content);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server may answer 413 and close before the client has sent all 100 MB.
            return HttpStatusCode.RequestEntityTooLarge;
        }
    }

    /// <summary>100,000 delta points of one histogram, each with its own user id (a mistake that makes each a stream).</summary>
    private static ExportMetricsServiceRequest Wide()
    {
        var now = (ulong)OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        for (var i = 0; i < 100_000; i++)
        {
            var point = new HistogramDataPoint { StartTimeUnixNano = now - 60_000_000_000, TimeUnixNano = now, Count = 1, Sum = 0.01 };
            point.BucketCounts.AddRange([1UL, 0UL]);
            point.ExplicitBounds.Add(0.1);
            point.Attributes.Add(new KeyValue { Key = "user.id", Value = new AnyValue { StringValue = "user-" + i.ToString(CultureInfo.InvariantCulture) } });
            histogram.DataPoints.Add(point);
        }
        return OtlpExports.RequestDurations("cart-service", histogram);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return buffer.ToArray();
    }

    private static byte[] GzipZeros(long length)
    {
        var zeros = new byte[1024 * 1024];
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            for (long written = 0; written < length; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A body of zeros written 64 KiB at a time.</summary>
    private sealed class ZerosContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (long written = 0; written < length; written += chunk.Length)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }

    /// <summary>VmHWM: the most resident memory the process has had.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
