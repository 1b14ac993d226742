using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.Web.Infrastructure.Jobs;

public static class JobsSetup
{
    public const string Schema = "hangfire";
    public const string DashboardPath = "/hangfire";

    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // The storage and the job activator are this host's own singletons, registered before AddHangfire so its TryAdds keep them:
        // Hangfire's default (JobStorage.Current) is process-global, and two hosts in one process
        // (the tests' factories) would otherwise run each other's jobs against the wrong database.
        builder.Services.AddSingleton<JobStorage>(sp =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = Schema,
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromMilliseconds(jobs.QueuePollMilliseconds),
                // Sliding: a running job's worker keeps its queue entry invisible, so the timeout can be minutes (a replica
                // killed mid-job hands the job over that soon) and still never re-run a long job that is alive (the fixed
                // default of 30 minutes did both wrong: a slow hand-over, and a second run of any job longer than that).
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds),
                DistributedLockTimeout = TimeSpan.FromSeconds(jobs.DistributedLockTimeoutSeconds),
            };
            return new PostgreSqlStorage(
                new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(sp.GetRequiredService<PortalDatabase>().ConnectionString, options), options);
        });
        builder.Services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(new JobTelemetryFilter())
            .UseStorage(sp.GetRequiredService<JobStorage>())
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>())));

        builder.Services.AddHangfireServer((sp, o) =>
        {
            o.WorkerCount = sp.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
            // This host's own activator, not the process-global one the last configured host set.
            o.Activator = sp.GetRequiredService<JobActivator>();
        });
        builder.Services.AddHealthChecks().AddCheck<HangfireStorageHealthCheck>("hangfire-storage", tags: ["ready"]);
        return builder;
    }

    public static void MapJobsDashboard(this WebApplication app)
    {
        // Authorization is the endpoint's admin policy; Hangfire's own filter list is emptied so it
        // does not add its default local-requests-only rule on top.
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Portal jobs",
            AppPath = "/",
        }).RequireAuthorization(Features.Identity.PortalPolicies.Admin);
    }
}

/// <summary>
/// Hangfire's log provider is process-global, yet each host's logger factory dies with the host; when
/// several hosts share a process (the tests), a disposed factory must mean "no logging", not a failed enqueue.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory loggerFactory) : Hangfire.Logging.ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(loggerFactory);

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : Hangfire.Logging.ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}

/// <summary>Ready means Hangfire can read its storage (schema present, database reachable).</summary>
internal sealed class HangfireStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers().Count;
            return Task.FromResult(HealthCheckResult.Healthy($"{servers} Hangfire server(s)"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire storage is unreachable.", ex));
        }
    }
}

/// <summary>Traces and times every Hangfire job (Hangfire has no OpenTelemetry instrumentation of its own).</summary>
internal sealed class JobTelemetryFilter : IServerFilter
{
    public const string SourceName = "Portal.Jobs";
    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter Meter = new(SourceName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "portal.job.duration", "s", "Duration of Hangfire jobs.");

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        var activity = Source.StartActivity($"job {job.Type.Name}.{job.Method.Name}", ActivityKind.Internal);
        activity?.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        context.Items["activity"] = activity;
        context.Items["started"] = Stopwatch.GetTimestamp();
    }

    public void OnPerformed(PerformedContext context)
    {
        var job = context.BackgroundJob.Job;
        var outcome = context.Exception is null ? "success" : context.Canceled ? "canceled" : "failure";
        if (context.Items.TryGetValue("started", out var started) && started is long ts)
        {
            Duration.Record(Stopwatch.GetElapsedTime(ts).TotalSeconds,
                new KeyValuePair<string, object?>("job", $"{job.Type.Name}.{job.Method.Name}"),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
        if (context.Items.TryGetValue("activity", out var a) && a is Activity activity)
        {
            if (context.Exception is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, context.Exception.Message);
            }
            activity.Dispose();
        }
    }
}
