using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

/// <summary>The cost API under <c>/api/cost</c>: imports, reports (JSON and CSV), budgets and allocation rules.</summary>
public static class CostEndpoints
{
    public static void MapCostEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/cost").WithTags("Cost").RequireAuthorization(PortalPolicies.CatalogRead);

        api.MapPost("/imports", ImportAsync).RequireAuthorization(PortalPolicies.CostWrite).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(CostImporter.MaxUploadBytes))
            .WithMetadata(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = CostImporter.MaxUploadBytes })
            .WithName("ImportCosts").WithSummary("Import a FOCUS cost export")
            .WithDescription("A FOCUS export (CSV, or CSV compressed with gzip) as multipart/form-data in the field `file`. 201 when every row was read; "
                + "422 with the rejected rows when the import failed. Needs an admin, or an admin-issued `cost:write` token.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/budgets", ListBudgetsAsync)
            .WithName("ListBudgets").WithSummary("List budgets").WithDescription("Every team and component budget with month-to-date spend, forecast and alerts.");
        api.MapPut("/budgets", SetBudgetAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("SetBudget").WithSummary("Create or change a budget").WithDescription("One budget per team (and optionally component): a monthly amount and alert thresholds in percent (default 80 and 100).");
        api.MapDelete("/budgets/{id:guid}", DeleteBudgetAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("DeleteBudget").WithSummary("Delete a budget");
        api.MapGet("/rules", ListRulesAsync)
            .WithName("ListCostRules").WithSummary("List cost allocation rules").WithDescription("The rules that attribute cost line items to teams and components, in the order they apply.");
        api.MapPut("/rules", SaveRulesAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("SaveCostRules").WithSummary("Replace the cost allocation rules").WithDescription("Saves the whole list and recomputes the attribution in the background (202).");
        api.MapPost("/rules/preview", PreviewRulesAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("PreviewCostRules").WithSummary("Preview cost allocation rules")
            .WithDescription("For rules not yet saved: per rule, how much cost it would decide and how much it would move to another team, component or environment. Writes nothing.");
        api.MapGet("/unallocated", UnallocatedAsync)
            .WithName("GetUnallocatedCost").WithSummary("Top resources without a team")
            .WithDescription("The resources whose cost no team owns over the period (`from`, `to`), largest first, at most `top` (default 20).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/anomalies", AnomaliesAsync)
            .WithName("ListCostAnomalies").WithSummary("Find cost anomalies")
            .WithDescription("Days whose cost stands out against the recent baseline, per `groupBy` (team or component), over `days` (1-365, default 14), ignoring amounts under `floor` (default 10).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/imports", ListImportsAsync)
            .WithName("ListCostImports").WithSummary("List cost imports").WithDescription("The 200 most recent imports with their outcome and row counts.");
        api.MapGet("/summary", SummaryAsync)
            .WithName("GetCostSummary").WithSummary("Cost per team, component or other dimension")
            .WithDescription("Totals per `groupBy` value over the period (default: the 30 days up to the newest data; at most 800 days).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        // Any table as CSV: the summary and the drivers, in the same shape as their JSON rows.
        api.MapGet("/summary.csv", SummaryCsvAsync)
            .WithName("ExportCostSummary").WithSummary("Cost summary as CSV").WithDescription("The rows of `GET /api/cost/summary` as a CSV download.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/drivers", DriversAsync)
            .WithName("ListCostDrivers").WithSummary("Top cost drivers").WithDescription("The five charges (service and resource) that cost the most over the period, optionally for one `team`.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/drivers.csv", DriversCsvAsync)
            .WithName("ExportCostDrivers").WithSummary("Top cost drivers as CSV").WithDescription("The rows of `GET /api/cost/drivers` as a CSV download.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/daily", DailyAsync)
            .WithName("GetDailyCost").WithSummary("Daily cost series").WithDescription("Cost per day and `groupBy` value over the period, for charts.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    public static async Task<Results<Created<CostImportView>, UnprocessableEntity<CostImportView>, ProblemHttpResult>> ImportAsync(
        IFormFile? file, PortalDbContext db, IOptions<CostAttributionOptions> attribution, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.Problem(statusCode: 400, title: "No file", detail: "Send the FOCUS export as multipart/form-data in a field named 'file' (CSV, or CSV compressed with gzip).");
        }
        await using var stream = file.OpenReadStream();
        var result = await CostImporter.ImportAsync(db, stream, file.FileName, AuditActor.From(http), attribution.Value, time, ct);
        var view = CostImportView.From(result);
        return result.Status == "succeeded" ? TypedResults.Created($"/api/cost/imports/{result.Id}", view) : TypedResults.UnprocessableEntity(view);
    }

    public static async Task<Ok<List<RuleView>>> ListRulesAsync(PortalDbContext db, IOptions<CostAttributionOptions> attribution, CancellationToken ct) =>
        TypedResults.Ok((await CostRules.LoadAsync(db, attribution.Value, ct)).Select(RuleView.From).ToList());

    public static async Task<Results<Accepted<List<RuleView>>, ValidationProblem>> SaveRulesAsync(List<RuleView> body, PortalDbContext db,
        IOptions<CostAttributionOptions> attribution, IBackgroundJobClient jobs, HttpContext http, CancellationToken ct)
    {
        var (rules, errors) = await CostRules.SaveAsync(db, AuditActor.From(http), body, attribution.Value, jobs, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rules"] = [.. errors] });
        }
        return TypedResults.Accepted("/api/cost/rules", rules.Select(RuleView.From).ToList());
    }

    /// <summary>What a rule list would move if saved (nothing is written).</summary>
    public static async Task<Results<Ok<RulePreview>, ValidationProblem>> PreviewRulesAsync(List<RuleView> body, PortalDbContext db, CancellationToken ct)
    {
        var (preview, errors) = await CostRules.PreviewAsync(db, body, ct);
        return preview is null
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["rules"] = [.. errors] })
            : TypedResults.Ok(preview);
    }

    public static async Task<Results<Ok<UnallocatedReport>, ProblemHttpResult>> UnallocatedAsync(DateTime? from, DateTime? to, int? top, PortalDbContext db,
        CancellationToken ct)
    {
        if (top is < 1 or > 200)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad query", detail: "top is 1–200.");
        }
        var q = await ReportQueryAsync(db, null, from, to, ct);
        return q.Problem ?? (Results<Ok<UnallocatedReport>, ProblemHttpResult>)TypedResults.Ok(await CostQueries.UnallocatedAsync(db, q.From, q.To, top ?? 20, ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<CostAnomaly>>, ProblemHttpResult>> AnomaliesAsync(string? groupBy, int? days, decimal? floor,
        PortalDbContext db, CancellationToken ct)
    {
        groupBy ??= "team";
        if (groupBy is not ("team" or "component") || days is < 1 or > 365 || floor is < 0)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad query", detail: "groupBy is team or component, days 1–365, floor 0 or more.");
        }
        var (_, to) = await CostQueries.DefaultWindowAsync(db, ct);
        return TypedResults.Ok(await CostAnomalies.FindAsync(db, groupBy, to, days ?? 14, floor ?? 10m, ct));
    }

    public static async Task<Ok<List<CostImportView>>> ListImportsAsync(PortalDbContext db, CancellationToken ct)
    {
        var imports = await db.CostImports.AsNoTracking().OrderByDescending(i => i.ImportedAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(imports.Select(CostImportView.From).ToList());
    }

    public static async Task<Results<Ok<CostSummary>, ProblemHttpResult>> SummaryAsync(string? groupBy, DateTime? from, DateTime? to, string? currency,
        string? team, PortalDbContext db, CancellationToken ct)
    {
        var q = await ReportQueryAsync(db, groupBy, from, to, ct);
        return q.Problem ?? (Results<Ok<CostSummary>, ProblemHttpResult>)TypedResults.Ok(
            await CostQueries.SummaryAsync(db, q.GroupBy, q.From, q.To, currency, TeamRef(team), ct));
    }

    public static async Task<IResult> SummaryCsvAsync(string? groupBy, DateTime? from, DateTime? to, string? currency, string? team,
        PortalDbContext db, CancellationToken ct)
    {
        var q = await ReportQueryAsync(db, groupBy, from, to, ct);
        return q.Problem is { } problem ? problem : Csv(CostQueries.ToCsv(q.GroupBy, (await CostQueries.SummaryAsync(db, q.GroupBy, q.From, q.To, currency, TeamRef(team), ct)).Rows),
            $"cost-by-{q.GroupBy}-{q.From:yyyyMMdd}-{q.To:yyyyMMdd}.csv");
    }

    public static async Task<Results<Ok<IReadOnlyList<CostSummaryRow>>, ProblemHttpResult>> DriversAsync(DateTime? from, DateTime? to, string? team,
        PortalDbContext db, CancellationToken ct)
    {
        var q = await ReportQueryAsync(db, null, from, to, ct);
        return q.Problem ?? (Results<Ok<IReadOnlyList<CostSummaryRow>>, ProblemHttpResult>)TypedResults.Ok(
            await CostQueries.TopDriversAsync(db, q.From, q.To, TeamRef(team), ct));
    }

    public static async Task<IResult> DriversCsvAsync(DateTime? from, DateTime? to, string? team, PortalDbContext db, CancellationToken ct)
    {
        var q = await ReportQueryAsync(db, null, from, to, ct);
        return q.Problem is { } problem ? problem : Csv(CostQueries.ToCsv("driver", await CostQueries.TopDriversAsync(db, q.From, q.To, TeamRef(team), ct)),
            $"cost-drivers-{q.From:yyyyMMdd}-{q.To:yyyyMMdd}.csv");
    }

    public static async Task<Results<Ok<IReadOnlyList<CostDailyPoint>>, ProblemHttpResult>> DailyAsync(string? groupBy, DateTime? from, DateTime? to,
        string? team, PortalDbContext db, CancellationToken ct)
    {
        var q = await ReportQueryAsync(db, groupBy, from, to, ct);
        return q.Problem ?? (Results<Ok<IReadOnlyList<CostDailyPoint>>, ProblemHttpResult>)TypedResults.Ok(
            await CostQueries.DailyAsync(db, q.GroupBy, q.From, q.To, TeamRef(team), ct));
    }

    public static async Task<Ok<List<BudgetView>>> ListBudgetsAsync(PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var asOf = await BudgetMath.AsOfAsync(db, time, ct);
        return TypedResults.Ok((await BudgetMath.StatusAsync(db, asOf, ct)).Select(s => new BudgetView(s.Budget.Id, s.Budget.Team, s.Budget.Component,
            s.Budget.MonthlyAmount, s.Budget.Currency, s.Budget.Thresholds, s.MonthToDate, s.Forecast, s.PercentUsed, s.Alerts)).ToList());
    }

    public static async Task<Results<Ok<BudgetView>, ValidationProblem>> SetBudgetAsync(BudgetRequest request, PortalDbContext db, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        var (budget, errors) = await CostBudgets.SetAsync(db, AuditActor.From(http), request, time, ct);
        return budget is null
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(new BudgetView(budget.Id, budget.Team, budget.Component, budget.MonthlyAmount, budget.Currency, budget.Thresholds, 0, 0, 0, []));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteBudgetAsync(Guid id, PortalDbContext db, HttpContext http, CancellationToken ct) =>
        await CostBudgets.DeleteAsync(db, AuditActor.From(http), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static FileContentHttpResult Csv(string text, string fileName) =>
        TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), "text/csv", fileName);

    private static string? TeamRef(string? team) => CostBudgets.TeamRef(team);

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
