using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

public static class CostSetup
{
    /// <summary>Largest upload accepted (compressed size); larger exports go through the watched folder.</summary>
    public const long MaxUploadBytes = 2L * 1024 * 1024 * 1024;

    public static WebApplicationBuilder AddCost(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CostAttributionOptions>().BindConfiguration(CostAttributionOptions.Section);
        builder.Services.AddOptions<CostOptions>().BindConfiguration(CostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<CostBudgetAlertJob>();
        builder.Services.AddTransient<CostFolderImportJob>();
        builder.Services.AddTransient<CostRecomputeJob>();
        builder.Services.AddOptions<OpenCostOptions>().BindConfiguration(OpenCostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(OpenCostImportJob.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(2));
        builder.Services.AddTransient<OpenCostImportJob>();
        return builder;
    }

    public static void ScheduleCostJobs(this WebApplication app)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<CostBudgetAlertJob>(CostBudgetAlertJob.RecurringId, j => j.RunAsync(CancellationToken.None), "*/15 * * * *");
        if (string.IsNullOrWhiteSpace(app.Services.GetRequiredService<IOptions<OpenCostOptions>>().Value.Url))
        {
            jobs.RemoveIfExists(OpenCostImportJob.RecurringId);
        }
        else
        {
            jobs.AddOrUpdate<OpenCostImportJob>(OpenCostImportJob.RecurringId, j => j.RunAsync(CancellationToken.None), "17 * * * *");
        }
        var options = app.Services.GetRequiredService<IOptions<CostOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.WatchFolder))
        {
            jobs.RemoveIfExists(CostFolderImportJob.RecurringId);
        }
        else
        {
            jobs.AddOrUpdate<CostFolderImportJob>(CostFolderImportJob.RecurringId, j => j.RunAsync(CancellationToken.None),
                $"*/{Math.Clamp(options.WatchIntervalMinutes, 1, 59)} * * * *");
        }
    }

    public static void MapCost(this WebApplication app)
    {
        var api = app.MapGroup("/api/cost").WithTags("Cost").RequireAuthorization(PortalPolicies.CatalogRead);

        api.MapPost("/imports", async Task<Results<Created<CostImportView>, UnprocessableEntity<CostImportView>, ProblemHttpResult>> (
            IFormFile? file, IDbContextFactory<PortalDbContext> dbFactory, IOptions<CostAttributionOptions> attribution, TimeProvider time,
            HttpContext http, CancellationToken ct) =>
        {
            if (file is null || file.Length == 0)
            {
                return TypedResults.Problem(statusCode: 400, title: "No file", detail: "Send the FOCUS export as multipart/form-data in a field named 'file' (CSV, or CSV compressed with gzip).");
            }
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var stream = file.OpenReadStream();
            var result = await CostImporter.ImportAsync(db, stream, file.FileName, AuditActor.From(http), attribution.Value, time, ct);
            var view = CostImportView.From(result);
            return result.Status == "succeeded" ? TypedResults.Created($"/api/cost/imports/{result.Id}", view) : TypedResults.UnprocessableEntity(view);
        }).RequireAuthorization(PortalPolicies.CostWrite).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes))
          .WithMetadata(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxUploadBytes });

        MapBudgets(api);

        api.MapGet("/rules", async (IDbContextFactory<PortalDbContext> dbFactory, IOptions<CostAttributionOptions> attribution, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return TypedResults.Ok((await CostRules.LoadAsync(db, attribution.Value, ct)).Select(RuleView.From).ToList());
        });
        api.MapPut("/rules", async Task<Results<Accepted<List<RuleView>>, ValidationProblem>> (List<RuleView> body, IDbContextFactory<PortalDbContext> dbFactory,
            IOptions<CostAttributionOptions> attribution, IBackgroundJobClient jobs, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var (rules, errors) = await CostRules.SaveAsync(db, AuditActor.From(http), body, attribution.Value, jobs, ct);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rules"] = [.. errors] });
            }
            return TypedResults.Accepted("/api/cost/rules", rules.Select(RuleView.From).ToList());
        }).RequireAuthorization(PortalPolicies.Admin);

        api.MapGet("/anomalies", async Task<Results<Ok<IReadOnlyList<CostAnomaly>>, ProblemHttpResult>> (string? groupBy, int? days, decimal? floor,
            IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            groupBy ??= "team";
            if (groupBy is not ("team" or "component") || days is < 1 or > 365 || floor is < 0)
            {
                return TypedResults.Problem(statusCode: 400, title: "Bad query", detail: "groupBy is team or component, days 1–365, floor 0 or more.");
            }
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var (_, to) = await CostQueries.DefaultWindowAsync(db, ct);
            return TypedResults.Ok(await CostAnomalies.FindAsync(db, groupBy, to, days ?? 14, floor ?? 10m, ct));
        });

        api.MapGet("/imports", async (IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var imports = await db.CostImports.AsNoTracking().OrderByDescending(i => i.ImportedAt).Take(200).ToListAsync(ct);
            return TypedResults.Ok(imports.Select(CostImportView.From).ToList());
        });

        api.MapGet("/summary", async Task<Results<Ok<CostSummary>, ProblemHttpResult>> (string? groupBy, DateTime? from, DateTime? to, string? currency,
            string? team, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var q = await ReportQueryAsync(db, groupBy, from, to, ct);
            return q.Problem ?? (Results<Ok<CostSummary>, ProblemHttpResult>)TypedResults.Ok(
                await CostQueries.SummaryAsync(db, q.GroupBy, q.From, q.To, currency, TeamRef(team), ct));
        });

        // Any table as CSV: the summary and the drivers, in the same shape as their JSON rows.
        api.MapGet("/summary.csv", async Task<IResult> (string? groupBy, DateTime? from, DateTime? to, string? currency, string? team,
            IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var q = await ReportQueryAsync(db, groupBy, from, to, ct);
            return q.Problem is { } problem ? problem : Csv(CostQueries.ToCsv(q.GroupBy, (await CostQueries.SummaryAsync(db, q.GroupBy, q.From, q.To, currency, TeamRef(team), ct)).Rows),
                $"cost-by-{q.GroupBy}-{q.From:yyyyMMdd}-{q.To:yyyyMMdd}.csv");
        });

        api.MapGet("/drivers", async Task<Results<Ok<IReadOnlyList<CostSummaryRow>>, ProblemHttpResult>> (DateTime? from, DateTime? to, string? team,
            IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var q = await ReportQueryAsync(db, null, from, to, ct);
            return q.Problem ?? (Results<Ok<IReadOnlyList<CostSummaryRow>>, ProblemHttpResult>)TypedResults.Ok(
                await CostQueries.TopDriversAsync(db, q.From, q.To, TeamRef(team), ct));
        });

        api.MapGet("/drivers.csv", async Task<IResult> (DateTime? from, DateTime? to, string? team, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var q = await ReportQueryAsync(db, null, from, to, ct);
            return q.Problem is { } problem ? problem : Csv(CostQueries.ToCsv("driver", await CostQueries.TopDriversAsync(db, q.From, q.To, TeamRef(team), ct)),
                $"cost-drivers-{q.From:yyyyMMdd}-{q.To:yyyyMMdd}.csv");
        });

        api.MapGet("/daily", async Task<Results<Ok<IReadOnlyList<CostDailyPoint>>, ProblemHttpResult>> (string? groupBy, DateTime? from, DateTime? to,
            string? team, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var q = await ReportQueryAsync(db, groupBy, from, to, ct);
            return q.Problem ?? (Results<Ok<IReadOnlyList<CostDailyPoint>>, ProblemHttpResult>)TypedResults.Ok(
                await CostQueries.DailyAsync(db, q.GroupBy, q.From, q.To, TeamRef(team), ct));
        });
    }

    private static FileContentHttpResult Csv(string text, string fileName) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), "text/csv", fileName);

    private static void MapBudgets(RouteGroupBuilder api)
    {
        api.MapGet("/budgets", async (IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var asOf = await BudgetMath.AsOfAsync(db, time, ct);
            return TypedResults.Ok((await BudgetMath.StatusAsync(db, asOf, ct)).Select(s => new BudgetView(s.Budget.Id, s.Budget.Team, s.Budget.Component,
                s.Budget.MonthlyAmount, s.Budget.Currency, s.Budget.Thresholds, s.MonthToDate, s.Forecast, s.PercentUsed, s.Alerts)).ToList());
        });
        api.MapPut("/budgets", async Task<Results<Ok<BudgetView>, ValidationProblem>> (BudgetRequest request, IDbContextFactory<PortalDbContext> dbFactory,
            TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(request.Team)) { errors["team"] = ["Name the team (a catalog Group)."]; }
            if (request.MonthlyAmount is not > 0 || request.MonthlyAmount > 1_000_000_000) { errors["monthlyAmount"] = ["The monthly amount must be above 0."]; }
            if (request.Thresholds is { } t && (t.Length == 0 || t.Any(x => x is < 1 or > 1000))) { errors["thresholds"] = ["Thresholds are percentages from 1 to 1000."]; }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var team = TeamRef(request.Team)!;
            var component = string.IsNullOrWhiteSpace(request.Component) ? null
                : request.Component.Contains(':', StringComparison.Ordinal) ? request.Component.ToLowerInvariant() : $"component:default/{request.Component.ToLowerInvariant()}";
            if (!await CatalogReads.Entities(db).AnyAsync(i => i.Ref == team, ct))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["team"] = [$"{request.Team} is not a team in the catalog."] });
            }
            var budget = await db.CostBudgets.FirstOrDefaultAsync(b => b.Team == team && b.Component == component, ct);
            var before = budget is null ? null : new { budget.MonthlyAmount, budget.Thresholds };
            if (budget is null)
            {
                budget = new CostBudget { Team = team, Component = component, Currency = request.Currency ?? "USD", CreatedAt = time.GetUtcNow(), CreatedBy = AuditActor.From(http).Name };
                db.CostBudgets.Add(budget);
            }
            budget.MonthlyAmount = request.MonthlyAmount!.Value;
            budget.Thresholds = [.. (request.Thresholds ?? [80, 100]).Distinct().Order()];
            AuditLog.Record(db, AuditActor.From(http), "cost.budget.set", $"budget:{component ?? team}", before: before, after: new { budget.MonthlyAmount, budget.Thresholds });
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new BudgetView(budget.Id, budget.Team, budget.Component, budget.MonthlyAmount, budget.Currency, budget.Thresholds, 0, 0, 0, []));
        }).RequireAuthorization(PortalPolicies.Admin);
        api.MapDelete("/budgets/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, IDbContextFactory<PortalDbContext> dbFactory, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var budget = await db.CostBudgets.FirstOrDefaultAsync(b => b.Id == id, ct);
            if (budget is null)
            {
                return TypedResults.NotFound();
            }
            db.CostBudgets.Remove(budget);
            AuditLog.Record(db, AuditActor.From(http), "cost.budget.delete", $"budget:{budget.Component ?? budget.Team}", before: new { budget.MonthlyAmount });
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(PortalPolicies.Admin);
    }

    private static string? TeamRef(string? team) =>
        string.IsNullOrWhiteSpace(team) ? null : team.Contains(':', StringComparison.Ordinal) ? team.ToLowerInvariant() : $"group:default/{team.ToLowerInvariant()}";

    /// <summary>The report's dimension (default team) and window (default: the 30 days up to the newest data), or the 400 that says what is wrong.</summary>
    private static async Task<(string GroupBy, DateTime From, DateTime To, ProblemHttpResult? Problem)> ReportQueryAsync(PortalDbContext db, string? groupBy,
        DateTime? from, DateTime? to, CancellationToken ct)
    {
        groupBy ??= "team";
        if (CostQueries.KeyOf(groupBy) is null)
        {
            return (groupBy, default, default,
                TypedResults.Problem(statusCode: 400, title: "Unknown groupBy", detail: $"groupBy must be one of {string.Join(", ", CostQueries.GroupBys)}."));
        }
        var (defaultFrom, defaultTo) = await CostQueries.DefaultWindowAsync(db, ct);
        var start = from is { } f ? DateTime.SpecifyKind(f.ToUniversalTime(), DateTimeKind.Utc) : defaultFrom;
        var end = to is { } t ? DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc) : from is null ? defaultTo : start.AddDays(30);
        if (end <= start || end - start > TimeSpan.FromDays(800))
        {
            return (groupBy, start, end, TypedResults.Problem(statusCode: 400, title: "Bad period", detail: "'to' must be after 'from', and the period at most 800 days."));
        }
        return (groupBy, start, end, null);
    }
}
