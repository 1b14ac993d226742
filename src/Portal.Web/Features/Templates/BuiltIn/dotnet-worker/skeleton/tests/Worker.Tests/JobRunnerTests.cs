using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Worker.Tests;

public sealed class JobRunnerTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IMeterFactory _meterFactory;
    private readonly MeasurementRecorder _recorder;

    public JobRunnerTests()
    {
        _meterFactory = _services.GetRequiredService<IMeterFactory>();
        _recorder = new MeasurementRecorder(_meterFactory);
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task A_successful_run_is_counted_as_success_with_its_duration()
    {
        var job = new FakeJob();

        var outcome = await Runner(job).RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobOutcome.Success, outcome);
        Assert.Equal(1, job.Runs);
        var processed = Assert.Single(_recorder.Of("worker.jobs.processed"));
        Assert.Equal(1, processed.Value);
        Assert.Equal("fake", processed.Tags[JobTelemetry.JobTag]);
        Assert.Equal(JobOutcome.Success, processed.Tags[JobTelemetry.OutcomeTag]);
        var duration = Assert.Single(_recorder.Of("worker.job.duration"));
        Assert.True(duration.Value >= 0);
    }

    [Fact]
    public async Task A_failing_run_is_counted_as_failure_and_does_not_throw()
    {
        var job = new FakeJob { Failure = new InvalidOperationException("the queue is down") };

        var outcome = await Runner(job).RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobOutcome.Failure, outcome);
        var processed = Assert.Single(_recorder.Of("worker.jobs.processed"));
        Assert.Equal(JobOutcome.Failure, processed.Tags[JobTelemetry.OutcomeTag]);
    }

    [Fact]
    public async Task A_run_cancelled_by_shutdown_is_rethrown_and_not_counted()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var job = new FakeJob();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(job).RunOnceAsync(stopping.Token));

        Assert.Empty(_recorder.Measurements);
    }

    private JobRunner Runner(IJob job) =>
        new(job, new JobTelemetry(_meterFactory), TimeProvider.System, NullLogger<JobRunner>.Instance);

    private sealed class FakeJob : IJob
    {
        public Exception? Failure { get; init; }

        public int Runs { get; private set; }

        public string Name => "fake";

        public Task RunAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Runs++;
            return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
        }
    }
}
