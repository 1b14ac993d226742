using System.Text;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Scorecards;

/// <summary>The scorecards API under <c>/api/scorecards</c>: definitions (YAML import/export), results (JSON, CSV), team and organisation views.</summary>
public static class ScorecardEndpoints
{
    public const int MaxResults = 100_000;

    public static void MapScorecardEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/scorecards").WithTags("Scorecards").RequireAuthorization(PortalPolicies.CatalogRead);

        api.MapGet("/", ListAsync)
            .WithName("ListScorecards").WithSummary("List scorecards")
            .WithDescription("Every scorecard with its levels and the totals of its latest evaluation: level distribution, compliance rate (M7, passing checks / checks) and telemetry coverage (M5).")
            .Produces<List<ScorecardSummary>>();
        api.MapGet("/rule-types", RuleTypesList)
            .WithName("ListScorecardRuleTypes").WithSummary("List the rule checks")
            .WithDescription("The typed checks a scorecard rule may use, the signal each reads and its parameters.")
            .Produces<List<RuleTypeView>>();
        api.MapGet("/catalog-sources", CatalogSourcesAsync)
            .WithName("ListScorecardCatalogSources").WithSummary("Scorecards kept in git: what the next sync would do")
            .WithDescription("Scorecard entities in the catalog (`apiVersion: portal/v1`, `kind: Scorecard`): which scorecards the next catalog change would create, update or remove, and the entities that define none, each with why (not from an admin's location, a problem in the YAML, a name already taken). Nothing is written.")
            .Produces<ScorecardSourceSync>();
        api.MapGet("/export", ExportAllAsync)
            .WithName("ExportScorecards").WithSummary("Export every scorecard as YAML")
            .WithDescription("All scorecards as `portal/v1` `Scorecard` YAML documents, ready to import elsewhere or keep in git.")
            .Produces<string>(StatusCodes.Status200OK, "application/yaml");
        api.MapPost("/import", ImportAsync).RequireAuthorization(PortalPolicies.Admin).DisableAntiforgery().Accepts<string>("application/yaml", "text/plain")
            .WithName("ImportScorecards").WithSummary("Import scorecards from YAML")
            .WithDescription($"One or more `portal/v1` `Scorecard` documents (up to {ScorecardYaml.MaxBytes / 1024} KB): created or updated by name, all or nothing. "
                + "`dryRun=true` validates only. Every document gets its outcome; problems name where they are (422). Admins only; audited; an evaluation is queued.")
            .Produces<List<ScorecardImportResult>>().Produces<List<ScorecardImportResult>>(StatusCodes.Status422UnprocessableEntity)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapPost("/evaluate", EvaluateAsync).RequireAuthorization(PortalPolicies.Admin).DisableAntiforgery()
            .WithName("EvaluateScorecards").WithSummary("Evaluate scorecards now")
            .WithDescription("Queues an evaluation of every enabled scorecard (the job also runs hourly and when the catalog changes). Admins only.")
            .Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/results", ResultsAsync)
            .WithName("ListScorecardResults").WithSummary("List results")
            .WithDescription($"Stored results, filtered by `scorecard` (name), `team` (owner), `level` (a level name, or `none`) and `kind`; at most `limit` (1-{MaxResults}, default 1000).")
            .Produces<List<ScorecardResultRow>>().ProducesValidationProblem();
        api.MapGet("/results.csv", ResultsCsvAsync)
            .WithName("ExportScorecardResultsCsv").WithSummary("Export results as CSV")
            .WithDescription("The same filters as the results list, as CSV for compliance evidence (one row per scorecard and entity).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem();
        api.MapGet("/summary", SummaryAsync)
            .WithName("GetScorecardSummary").WithSummary("Organisation view")
            .WithDescription("Per enabled scorecard: level distribution, compliance rate (M7), telemetry coverage (M5) and the trend of its last 30 evaluations.")
            .Produces<OrganisationScorecards>();
        api.MapGet("/teams/{teamName}", TeamAsync)
            .WithName("GetTeamScorecards").WithSummary("Team view")
            .WithDescription("The team's entities and their level per scorecard, and what to do next: the rules holding most of its entities below their next level first.")
            .Produces<TeamScorecards>().ProducesValidationProblem();
        api.MapGet("/entities/{kind}/{ns}/{name}", EntityAsync)
            .WithName("GetEntityScorecards").WithSummary("An entity's scorecards")
            .WithDescription("Each enabled scorecard's verdict on the entity: its level, every rule with the value seen, the threshold, why and how to fix, and the level's history.")
            .Produces<List<EntityScorecard>>();
        api.MapGet("/campaigns", CampaignsAsync)
            .WithName("ListScorecardCampaigns").WithSummary("List campaigns")
            .WithDescription("Every campaign: the scorecard, the level and/or rules it asks for, the teams (empty: all), the deadline, its status (open, complete, overdue) and the entities done / in scope.")
            .Produces<List<CampaignSummary>>();
        api.MapPost("/campaigns", CreateCampaignAsync).RequireAuthorization(PortalPolicies.Admin).DisableAntiforgery()
            .WithName("CreateScorecardCampaign").WithSummary("Start a campaign")
            .WithDescription("Asks teams to bring their entities on a scorecard to a `level` and/or make `rules` pass by `deadline` (yyyy-MM-dd). `teams` lists group names or refs; empty asks every team. "
                + "Progress is recorded after each evaluation; teams behind are reminded through the notification webhook weekly and 7, 3, 1 and 0 days before the deadline. Admins only; audited.")
            .Produces<CampaignDetail>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/campaigns/{campaignName}", CampaignAsync)
            .WithName("GetScorecardCampaign").WithSummary("Get a campaign")
            .WithDescription("The campaign with its progress per team (done, in scope, the entities left) and each team's progress over time (a point per change).")
            .Produces<CampaignDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/campaigns/{campaignName}", DeleteCampaignAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("DeleteScorecardCampaign").WithSummary("End a campaign")
            .WithDescription("Removes the campaign and its progress history; admins only, audited. Results and scorecards are untouched.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/teams/{teamName}/campaigns", TeamCampaignsAsync)
            .WithName("GetTeamScorecardCampaigns").WithSummary("A team's campaigns")
            .WithDescription("What the team still has to do for each campaign that asks it: its entities not done yet, each with the failing rules the target needs.")
            .Produces<List<CampaignTodo>>().ProducesValidationProblem();
        api.MapGet("/{name}", GetAsync)
            .WithName("GetScorecard").WithSummary("Get a scorecard")
            .WithDescription("The definition (rules with typed parameters, levels, filter, owner), its YAML and its latest totals.")
            .Produces<ScorecardDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{name}/yaml", ExportOneAsync)
            .WithName("ExportScorecard").WithSummary("Export a scorecard as YAML")
            .WithDescription("The scorecard as one `portal/v1` `Scorecard` YAML document.")
            .Produces<string>(StatusCodes.Status200OK, "application/yaml").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{name}/enabled", SetEnabledAsync).RequireAuthorization(PortalPolicies.Admin).DisableAntiforgery()
            .WithName("SetScorecardEnabled").WithSummary("Enable or disable a scorecard")
            .WithDescription("`{\"enabled\": false}` stops evaluating the scorecard and hides its results; admins only, audited. One read from the catalog is disabled in git (`spec.enabled: false`; 400 here).")
            .Produces<ScorecardSummary>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{name}", DeleteAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("DeleteScorecard").WithSummary("Delete a scorecard")
            .WithDescription("Removes the scorecard with its results, history and campaigns; admins only, audited. A built-in one returns at the next start: disable it instead. One read from the catalog is removed in git (400 here).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<IReadOnlyList<ScorecardSummary>>> ListAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ScorecardQueries.ListAsync(db, ct));

    private static Ok<List<RuleTypeView>> RuleTypesList() =>
        TypedResults.Ok(RuleTypes.All.Select(t => new RuleTypeView(t.Name, t.Signal, t.Description,
            [.. t.Parameters.Select(p => new RuleParameterView(p.Name, p.Kind.ToString(), p.Required, p.Default, p.OneOf))])).ToList());

    private static async Task<Results<Ok<IReadOnlyList<ScorecardImportResult>>, UnprocessableEntity<IReadOnlyList<ScorecardImportResult>>, ValidationProblem>> ImportAsync(
        HttpRequest request, bool? dryRun, PortalDbContext db, TimeProvider time, HttpContext http, IBackgroundJobClient jobs, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[ScorecardYaml.MaxBytes + 1];
        var read = await reader.ReadBlockAsync(buffer, ct);
        if (read > ScorecardYaml.MaxBytes)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"The scorecard file is larger than {ScorecardYaml.MaxBytes / 1024} KB."] });
        }
        var yaml = new string(buffer, 0, read);
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send portal/v1 Scorecard YAML in the request body."] });
        }
        var results = await ScorecardCommands.ImportAsync(db, yaml, AuditActor.From(http), time.GetUtcNow(), dryRun == true, ct);
        if (results.Any(r => r.Status is "error" or "not-imported"))
        {
            return TypedResults.UnprocessableEntity(results);
        }
        if (dryRun != true && results.Any(r => r.Status != "unchanged"))
        {
            jobs.Enqueue<ScorecardEvaluationJob>(j => j.RunAsync(null, CancellationToken.None));
        }
        return TypedResults.Ok(results);
    }

    private static async Task<Ok<ScorecardSourceSync>> CatalogSourcesAsync(PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await ScorecardCatalogSource.SyncAsync(db, time.GetUtcNow(), ct, dryRun: true));

    private static async Task<ContentHttpResult> ExportAllAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Text(string.Join("---\n", await db.Scorecards.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Yaml).ToListAsync(ct)), "application/yaml");

    private static async Task<Results<ContentHttpResult, NotFound>> ExportOneAsync(string name, PortalDbContext db, CancellationToken ct) =>
        await db.Scorecards.AsNoTracking().Where(s => s.Name == name).Select(s => s.Yaml).FirstOrDefaultAsync(ct) is { } yaml
            ? TypedResults.Text(yaml, "application/yaml") : TypedResults.NotFound();

    private static async Task<Results<Ok<ScorecardDetail>, NotFound>> GetAsync(string name, PortalDbContext db, CancellationToken ct) =>
        await ScorecardQueries.DetailAsync(db, name, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static Accepted EvaluateAsync(IBackgroundJobClient jobs, HttpContext http, PortalDbContext db)
    {
        jobs.Enqueue<ScorecardEvaluationJob>(j => j.RunAsync(null, CancellationToken.None));
        return TypedResults.Accepted((string?)null);
    }

    private static ValidationProblem? ResultFilterProblem(int? limit) =>
        limit is < 1 or > MaxResults ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit is 1 to {MaxResults}."] }) : null;

    private static string? TeamRef(string? team) => string.IsNullOrWhiteSpace(team) ? null : TryRef(team, "group");

    private static string? TryRef(string value, string kind)
    {
        try
        {
            return EntityRef.Parse(value.Trim(), defaultKind: kind).ToString();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<ScorecardResultRow>>, ValidationProblem>> ResultsAsync(string? scorecard, string? team, string? level,
        string? kind, int? limit, PortalDbContext db, CancellationToken ct)
    {
        if (ResultFilterProblem(limit) is { } problem)
        {
            return problem;
        }
        return TypedResults.Ok(await ScorecardQueries.ResultsAsync(db, scorecard, TeamRef(team), level, kind, limit ?? 1000, ct));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ResultsCsvAsync(string? scorecard, string? team, string? level, string? kind,
        int? limit, PortalDbContext db, CancellationToken ct)
    {
        if (ResultFilterProblem(limit) is { } problem)
        {
            return problem;
        }
        var rows = await ScorecardQueries.ResultsAsync(db, scorecard, TeamRef(team), level, kind, limit ?? MaxResults, ct);
        return TypedResults.File(Encoding.UTF8.GetBytes(ScorecardQueries.ToCsv(rows)), "text/csv", "scorecard-results.csv");
    }

    private static async Task<Ok<OrganisationScorecards>> SummaryAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ScorecardQueries.OrganisationAsync(db, 30, ct));

    private static async Task<Results<Ok<TeamScorecards>, ValidationProblem>> TeamAsync(string teamName, PortalDbContext db, CancellationToken ct) =>
        TeamRef(teamName) is { } teamRef ? TypedResults.Ok(await ScorecardQueries.TeamAsync(db, teamRef, ct))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["teamName"] = ["teamName is a group name or ref, e.g. payments or group:default/payments."] });

    private static async Task<Ok<IReadOnlyList<EntityScorecard>>> EntityAsync(string kind, string ns, string name, PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ScorecardQueries.ForEntityAsync(db, $"{kind}:{ns}/{name}".ToLowerInvariant(), ct));

    private static async Task<Results<Ok<ScorecardSummary>, NotFound, ValidationProblem>> SetEnabledAsync(string name, EnabledRequest? body, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (body?.Enabled is not { } enabled)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["enabled"] = ["Send {\"enabled\": true} or {\"enabled\": false}."] });
        }
        var card = await db.Scorecards.FirstOrDefaultAsync(s => s.Name == name, ct);
        if (card is null)
        {
            return TypedResults.NotFound();
        }
        if (card.Source is { } source)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["enabled"] = [ScorecardCommands.FromCatalog(name, source)] });
        }
        if (ScorecardYaml.ParseOne(card.Yaml).Definition is { } definition)
        {
            card.Yaml = ScorecardYaml.ToYaml(definition with { Enabled = enabled });
        }
        (card.Enabled, card.UpdatedAt, card.UpdatedBy) = (enabled, time.GetUtcNow(), AuditActor.From(http).Name);
        AuditLog.Record(db, AuditActor.From(http), enabled ? "scorecard.enable" : "scorecard.disable", name);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok((await ScorecardQueries.ListAsync(db, ct)).Single(s => s.Name == name));
    }

    private static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static async Task<Ok<IReadOnlyList<CampaignSummary>>> CampaignsAsync(PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await CampaignQueries.ListAsync(db, Today(time), ct));

    private static async Task<Results<Created<CampaignDetail>, ValidationProblem>> CreateCampaignAsync(CampaignRequest? body, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the campaign as JSON: name, title, scorecard, level and/or rules, teams, deadline."] });
        }
        var (campaign, errors) = await CampaignCommands.ValidateAsync(db, body, Today(time), ct);
        if (campaign is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await CampaignCommands.CreateAsync(db, campaign, AuditActor.From(http), time.GetUtcNow(), ct);
        return TypedResults.Created($"/api/scorecards/campaigns/{campaign.Name}", await CampaignQueries.DetailAsync(db, campaign.Name, Today(time), ct));
    }

    private static async Task<Results<Ok<CampaignDetail>, NotFound>> CampaignAsync(string campaignName, PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        await CampaignQueries.DetailAsync(db, campaignName, Today(time), ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteCampaignAsync(string campaignName, PortalDbContext db, HttpContext http, CancellationToken ct) =>
        await CampaignCommands.DeleteAsync(db, campaignName, AuditActor.From(http), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<CampaignTodo>>, ValidationProblem>> TeamCampaignsAsync(string teamName, PortalDbContext db, TimeProvider time,
        CancellationToken ct) =>
        TeamRef(teamName) is { } teamRef ? TypedResults.Ok(await CampaignQueries.ForTeamAsync(db, teamRef, Today(time), ct))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["teamName"] = ["teamName is a group name or ref, e.g. payments or group:default/payments."] });

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> DeleteAsync(string name, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var card = await db.Scorecards.FirstOrDefaultAsync(s => s.Name == name, ct);
        if (card is null)
        {
            return TypedResults.NotFound();
        }
        if (card.Source is { } source)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [ScorecardCommands.FromCatalog(name, source)] });
        }
        await ScorecardCommands.DeleteAsync(db, card, AuditActor.From(http), ct);
        return TypedResults.NoContent();
    }
}

/// <summary>The body of <c>PUT /api/scorecards/{name}/enabled</c>.</summary>
public sealed record EnabledRequest(bool? Enabled);

/// <summary>A rule check as the API lists it.</summary>
public sealed record RuleTypeView(string Name, string Signal, string Description, IReadOnlyList<RuleParameterView> Parameters);

public sealed record RuleParameterView(string Name, string Kind, bool Required, object? Default, IReadOnlyList<string>? OneOf);
