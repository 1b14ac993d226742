using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Worker;

/// <summary>The worker's own metrics and spans. <c>worker.jobs.processed</c> is what the SLO in openslo.yaml counts.</summary>
public sealed class JobTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "${{ values.name }}";
    public const string JobTag = "job";
    public const string OutcomeTag = "outcome";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _processed;
    private readonly Histogram<double> _duration;

    public JobTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _processed = meter.CreateCounter<long>("worker.jobs.processed", "{job}", "Job runs, by job and outcome.");
        _duration = meter.CreateHistogram<double>("worker.job.duration", "s", "How long a job run took.",
            tags: null,
            // Seconds: the SDK's default buckets are sized for milliseconds.
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
    }

    public void RecordRun(string job, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { JobTag, job }, { OutcomeTag, outcome } };
        _processed.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }
}
