using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Worker.Tests;

/// <summary>The worker as it runs in production: the real host, built by <see cref="WorkerSetup.AddWorker"/>.</summary>
public sealed class WorkerHostTests
{
    [Fact]
    public void OpenTelemetry_providers_are_registered()
    {
        using var host = BuildHost(job: null);

        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.NotNull(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task The_worker_runs_the_job_on_every_tick_and_counts_each_run()
    {
        var job = new CountingJob(runsWanted: 3);
        using var host = BuildHost(job);
        using var recorder = new MeasurementRecorder(host.Services.GetRequiredService<IMeterFactory>());

        await host.StartAsync();
        await job.Done.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();

        Assert.True(job.Runs >= 3);
        // Stopping waits for the run in progress, so every run has been counted, as a success.
        var processed = recorder.Of("worker.jobs.processed");
        Assert.Equal(job.Runs, processed.Count);
        Assert.All(processed, m => Assert.Equal(JobOutcome.Success, m.Tags[JobTelemetry.OutcomeTag]));
    }

    private static IHost BuildHost(IJob? job)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[$"{WorkerOptions.Section}:Interval"] = "00:00:00.010";
        builder.AddWorker();
        if (job is not null)
        {
            builder.Services.AddSingleton(job);
        }
        return builder.Build();
    }

    private sealed class CountingJob(int runsWanted) : IJob
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runs;

        public Task Done => _done.Task;

        public int Runs => Volatile.Read(ref _runs);

        public string Name => "counting";

        public Task RunAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _runs) >= runsWanted)
            {
                _done.TrySetResult();
            }
            return Task.CompletedTask;
        }
    }
}
