using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Worker;

public static class WorkerSetup
{
    /// <summary>Everything the worker needs; the tests build their host with this too.</summary>
    public static HostApplicationBuilder AddWorker(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.Section)
            .Validate(options => options.Interval > TimeSpan.Zero, $"{WorkerOptions.Section}:Interval must be positive.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<JobTelemetry>();
        builder.Services.AddSingleton<IJob, SampleJob>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService<PeriodicWorker>();

        builder.AddTelemetry();
        return builder;
    }
}

public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>The time from the start of one run to the start of the next.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}
