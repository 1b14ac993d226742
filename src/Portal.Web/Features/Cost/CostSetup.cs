using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

public sealed record CostImportView(
    Guid Id, string FileName, DateTimeOffset ImportedAt, string ImportedBy, string Status, string? Message, int Rows, int RejectedRows, int ReplacedRows,
    decimal BilledCost, decimal EffectiveCost, DateTime? PeriodStart, DateTime? PeriodEnd, IReadOnlyList<string> BillingAccounts,
    IReadOnlyList<FocusRowError> Errors, double DurationSeconds)
{
    public static CostImportView From(CostImport i) => new(i.Id, i.FileName, i.ImportedAt, i.ImportedBy, i.Status, i.Message, i.Rows, i.RejectedRows,
        i.ReplacedRows, i.BilledCost, i.EffectiveCost, i.PeriodStart, i.PeriodEnd, i.BillingAccounts, i.Errors, i.DurationSeconds);
}

public static class CostSetup
{
    /// <summary>Largest upload accepted (compressed size); larger exports go through the watched folder.</summary>
    public const long MaxUploadBytes = 2L * 1024 * 1024 * 1024;

    public static WebApplicationBuilder AddCost(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CostAttributionOptions>().BindConfiguration(CostAttributionOptions.Section);
        return builder;
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
            var window = await WindowAsync(db, from, to, ct);
            if (window.Problem is not null)
            {
                return window.Problem;
            }
            groupBy ??= "team";
            if (CostQueries.KeyOf(groupBy) is null)
            {
                return TypedResults.Problem(statusCode: 400, title: "Unknown groupBy", detail: $"groupBy must be one of {string.Join(", ", CostQueries.GroupBys)}.");
            }
            return TypedResults.Ok(await CostQueries.SummaryAsync(db, groupBy, window.From, window.To, currency, TeamRef(team), ct));
        });

        api.MapGet("/daily", async Task<Results<Ok<IReadOnlyList<CostDailyPoint>>, ProblemHttpResult>> (string? groupBy, DateTime? from, DateTime? to,
            string? team, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var window = await WindowAsync(db, from, to, ct);
            if (window.Problem is not null)
            {
                return window.Problem;
            }
            groupBy ??= "team";
            if (CostQueries.KeyOf(groupBy) is null)
            {
                return TypedResults.Problem(statusCode: 400, title: "Unknown groupBy", detail: $"groupBy must be one of {string.Join(", ", CostQueries.GroupBys)}.");
            }
            return TypedResults.Ok(await CostQueries.DailyAsync(db, groupBy, window.From, window.To, TeamRef(team), ct));
        });
    }

    private static string? TeamRef(string? team) =>
        string.IsNullOrWhiteSpace(team) ? null : team.Contains(':', StringComparison.Ordinal) ? team.ToLowerInvariant() : $"group:default/{team.ToLowerInvariant()}";

    private static async Task<(DateTime From, DateTime To, ProblemHttpResult? Problem)> WindowAsync(PortalDbContext db, DateTime? from, DateTime? to, CancellationToken ct)
    {
        var (defaultFrom, defaultTo) = await CostQueries.DefaultWindowAsync(db, ct);
        var start = from is { } f ? DateTime.SpecifyKind(f.ToUniversalTime(), DateTimeKind.Utc) : defaultFrom;
        var end = to is { } t ? DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc) : from is null ? defaultTo : start.AddDays(30);
        if (end <= start || end - start > TimeSpan.FromDays(800))
        {
            return (start, end, TypedResults.Problem(statusCode: 400, title: "Bad period", detail: "'to' must be after 'from', and the period at most 800 days."));
        }
        return (start, end, null);
    }
}
