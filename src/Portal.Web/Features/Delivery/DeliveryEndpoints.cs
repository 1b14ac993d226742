using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Delivery;

/// <summary>The delivery API under <c>/api/delivery</c>: build and deployment events (API and CI webhooks), DORA figures and the error-budget gate.</summary>
public static class DeliveryEndpoints
{
    public static void MapDeliveryEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/delivery").WithTags("Delivery").RequireAuthorization(PortalPolicies.DeliveryRead);

        api.MapPost("/builds", PostBuildAsync).RequireAuthorization(PortalPolicies.DeliveryWrite).DisableAntiforgery()
            .Accepts<BuildEvent>("application/json")
            .WithName("PostBuild").WithSummary("Record a build")
            .WithDescription("A CI run of a component's pipeline. Idempotent by (component, run id): 201 the first time, 200 for a retry or a later status; a finished run is never undone by a late \"running\". Needs a `delivery:write` token allowed for the component.")
            .Produces<BuildView>(StatusCodes.Status201Created).Produces<BuildView>(StatusCodes.Status200OK)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/deployments", PostDeploymentAsync).RequireAuthorization(PortalPolicies.DeliveryWrite).DisableAntiforgery()
            .Accepts<DeploymentEvent>("application/json")
            .WithName("PostDeployment").WithSummary("Record a deployment")
            .WithDescription("A deployment of a component to an environment, with the commits it brings and their times (for lead time). Idempotent by (component, run id): 201 the first time, 200 for a retry. Needs a `delivery:write` token allowed for the component.")
            .Produces<DeploymentView>(StatusCodes.Status201Created).Produces<DeploymentView>(StatusCodes.Status200OK)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/builds", ListBuildsAsync)
            .WithName("ListBuilds").WithSummary("List builds").WithDescription("The newest builds, of one `component` or of all, at most `limit` (1-500, default 50).");
        api.MapGet("/deployments", ListDeploymentsAsync)
            .WithName("ListDeployments").WithSummary("List deployments").WithDescription("The newest deployments, of one `component` and `environment` or of all, at most `limit` (1-500, default 50).");
        api.MapGet("/metrics", MetricsAsync)
            .WithName("GetDeliveryMetrics").WithSummary("DORA figures")
            .WithDescription("Deployment frequency, lead time for changes, change failure rate, time to restore, build success rate and mean time to deploy, with DORA bands, for a `component`, a `team` or the organisation over `from`-`to` (at most 400 days).");
        api.MapGet("/gate", GateAsync)
            .WithName("AskDeploymentGate").WithSummary("May this component deploy?")
            .WithDescription("The error-budget gate: allow or deny, with the reasons (an SLO's budget exhausted, a page alert firing), for `component` and `environment`; `change=fix` passes a freeze when the policy allows fixes. An override in force allows, and its use is audited.");
        api.MapGet("/gate/policy", GetPolicyAsync)
            .WithName("GetGatePolicy").WithSummary("The gate's policy").WithDescription("Which environments are gated and whether fixes pass a freeze.");
        api.MapPut("/gate/policy", PutPolicyAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("SetGatePolicy").WithSummary("Change the gate's policy").WithDescription("Admins set the gated environments and the fix exception; audited.");
        api.MapGet("/gate/overrides", ListOverridesAsync)
            .WithName("ListGateOverrides").WithSummary("List gate overrides").WithDescription("Overrides in force and past ones, newest first.");
        api.MapPost("/gate/overrides", CreateOverrideAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("CreateGateOverride").WithSummary("Override the gate").WithDescription("Lets a component deploy despite a deny until the override expires; admins only, with a reason, audited.");
        api.MapDelete("/gate/overrides/{id:guid}", RevokeOverrideAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("RevokeGateOverride").WithSummary("Revoke a gate override").WithDescription("Ends the override at once; audited.");

        // GitHub and GitLab cannot send a portal token: these two prove themselves with the shared webhook secret
        // (checked in the handler before anything is read or stored), so they are open to anonymous callers on purpose.
        api.MapPost("/webhooks/github", GitHubWebhookAsync).AllowAnonymous().DisableAntiforgery()
            .WithName("ReceiveGitHubWebhook").WithSummary("GitHub webhook (workflow_run, deployment_status)")
            .WithDescription("Signed with the shared secret in `X-Hub-Signature-256`; an unsigned or wrongly signed delivery gets 401 and nothing is stored. Other events are accepted and ignored (202).")
            .Accepts<object>("application/json")
            // A build (workflow run, pipeline) or a deployment, as stored: BuildView or DeploymentView.
            .Produces<object>(StatusCodes.Status201Created).Produces<object>(StatusCodes.Status200OK).Produces<object>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/webhooks/gitlab", GitLabWebhookAsync).AllowAnonymous().DisableAntiforgery()
            .WithName("ReceiveGitLabWebhook").WithSummary("GitLab webhook (pipeline, deployment)")
            .WithDescription("Carries the shared secret in `X-Gitlab-Token`; a missing or wrong token gets 401 and nothing is stored. Other events are accepted and ignored (202).")
            .Accepts<object>("application/json")
            // A build (workflow run, pipeline) or a deployment, as stored: BuildView or DeploymentView.
            .Produces<object>(StatusCodes.Status201Created).Produces<object>(StatusCodes.Status200OK).Produces<object>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<IResult> PostBuildAsync(HttpContext http, PortalDbContext db, IOptions<DeliveryOptions> options, TimeProvider time, CancellationToken ct) =>
        PostEventAsync<BuildEvent, DeliveryBuild>(http, db, DeliveryEventRules.Validate, e => e.Component!,
            (componentRef, e) => DeliveryEvents.RecordAsync(db, options.Value, componentRef, e, "api", time.GetUtcNow(), ct), "builds", BuildView.From, ct);

    public static Task<IResult> PostDeploymentAsync(HttpContext http, PortalDbContext db, IOptions<DeliveryOptions> options, TimeProvider time,
        CancellationToken ct) =>
        PostEventAsync<DeploymentEvent, DeliveryDeployment>(http, db, DeliveryEventRules.Validate, e => e.Component!,
            (componentRef, e) => DeliveryEvents.RecordAsync(db, options.Value, componentRef, e, "api", time.GetUtcNow(), ct), "deployments", DeploymentView.From, ct);

    /// <summary>
    /// One way in for both kinds of event: read the body (size-limited), validate it naming the fields, check the caller may
    /// send for the component, then record it idempotently: 201 the first time, 200 for a retry.
    /// </summary>
    private static async Task<IResult> PostEventAsync<TEvent, TStored>(HttpContext http, PortalDbContext db,
        Func<TEvent, Dictionary<string, string[]>> validate, Func<TEvent, string> componentOf,
        Func<string, TEvent, Task<(TStored Stored, bool Created)>> record, string collection, Func<TStored, object> view, CancellationToken ct)
        where TEvent : class
    {
        var (body, problem) = await ReadAsync<TEvent>(http, ct);
        if (problem is not null)
        {
            return problem;
        }
        var errors = validate(body!);
        var (componentRef, refused) = errors.Count > 0 ? (null, TypedResults.ValidationProblem(errors))
            : await AuthorizeComponentAsync(http, db, componentOf(body!), ct);
        if (refused is not null)
        {
            return refused;
        }
        var (stored, created) = await record(componentRef!, body!);
        return created ? TypedResults.Created($"/api/delivery/{collection}?component={Uri.EscapeDataString(componentRef!)}", view(stored))
            : TypedResults.Ok(view(stored));
    }

    public static async Task<Results<Ok<List<BuildView>>, ValidationProblem>> ListBuildsAsync(string? component, int? limit, PortalDbContext db,
        CancellationToken ct)
    {
        if (component is not null && DeliveryEventRules.ComponentRefOf(component) is null || limit is < 1 or > 500)
        {
            return TypedResults.ValidationProblem(Error(component is null ? "limit" : "component", "component is a component name or ref; limit 1 to 500."));
        }
        return TypedResults.Ok(await DeliveryQueries.BuildsAsync(db, DeliveryEventRules.ComponentRefOf(component), limit ?? 50, ct));
    }

    public static async Task<Results<Ok<List<DeploymentView>>, ValidationProblem>> ListDeploymentsAsync(string? component, string? environment,
        int? limit, PortalDbContext db, CancellationToken ct)
    {
        if (component is not null && DeliveryEventRules.ComponentRefOf(component) is null || limit is < 1 or > 500)
        {
            return TypedResults.ValidationProblem(Error(component is null ? "limit" : "component", "component is a component name or ref; limit 1 to 500."));
        }
        return TypedResults.Ok(await DeliveryQueries.DeploymentsAsync(db, DeliveryEventRules.ComponentRefOf(component), environment, limit ?? 50, ct));
    }

    public static async Task<Results<Ok<DeliveryMetrics>, ValidationProblem>> MetricsAsync(string? component, string? team, DateTimeOffset? from,
        DateTimeOffset? to, PortalDbContext db, IOptions<DeliveryOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (component is not null && team is not null)
        {
            return TypedResults.ValidationProblem(Error("team", "Ask for a component or a team, not both (neither: the whole organisation)."));
        }
        string? componentRef = null;
        if (component is not null)
        {
            componentRef = DeliveryEventRules.ComponentRefOf(component);
            if (componentRef is null || !await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
            {
                return TypedResults.ValidationProblem(Error("component", $"'{component}' is not a component in the catalog."));
            }
        }
        string? teamRef = null;
        if (team is not null)
        {
            teamRef = TeamRefOf(team);
            if (teamRef is null || !await CatalogReads.ExistsAsync(db, teamRef, CatalogKinds.Group, ct))
            {
                return TypedResults.ValidationProblem(Error("team", $"'{team}' is not a team (a catalog Group)."));
            }
        }
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddDays(-30);
        if (end <= start || end - start > TimeSpan.FromDays(400))
        {
            return TypedResults.ValidationProblem(Error("to", "'to' must be after 'from', and the period at most 400 days."));
        }
        var figures = await DeliveryQueries.FiguresAsync(db, options.Value, componentRef, teamRef, start, end, ct);
        var scope = componentRef is not null ? "component" : teamRef is not null ? "team" : "organisation";
        return TypedResults.Ok(new DeliveryMetrics(scope, componentRef, teamRef, figures));
    }

    public static async Task<Results<Ok<GateAnswer>, ValidationProblem>> GateAsync(string? component, string? environment, string? change,
        PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var componentRef = DeliveryEventRules.ComponentRefOf(component);
        if (componentRef is null || !await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
        {
            return TypedResults.ValidationProblem(Error("component", $"'{component}' is not a component in the catalog."));
        }
        if (string.IsNullOrWhiteSpace(environment) || environment.Length > DeliveryLimits.Name)
        {
            return TypedResults.ValidationProblem(Error("environment", "Name the environment being deployed to, e.g. 'prod'."));
        }
        if (change is not (null or "fix" or "feature"))
        {
            return TypedResults.ValidationProblem(Error("change", "change is 'fix' (a freeze lets fixes through) or 'feature' (the default)."));
        }
        return TypedResults.Ok(await DeliveryGate.DecideAsync(db, componentRef, environment, change == "fix", AuditActor.From(http), time.GetUtcNow(), ct));
    }

    public static async Task<Ok<GatePolicyView>> GetPolicyAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(GatePolicyView.From(await DeliveryGate.PolicyAsync(db, ct)));

    public static async Task<Results<Ok<GatePolicyView>, ValidationProblem>> PutPolicyAsync(GatePolicyView body, PortalDbContext db, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var environments = (body.GatedEnvironments ?? []).Select(e => e?.Trim().ToLowerInvariant() ?? "").ToArray();
        if (environments.Any(e => e.Length is 0 or > DeliveryLimits.Name) || environments.Length > 50)
        {
            errors["gatedEnvironments"] = ["Environment names of 1 to 200 characters, at most 50."];
        }
        var severities = (body.DenyOnAlertSeverities ?? []).Select(s => s?.Trim().ToLowerInvariant() ?? "").ToArray();
        if (severities.Any(s => s is not ("page" or "ticket")))
        {
            errors["denyOnAlertSeverities"] = ["Severities are 'page' and 'ticket'."];
        }
        var slos = (body.Slos ?? []).Select(s => s?.Trim() ?? "").ToArray();
        if (slos.Any(s => s.Length is 0 or > 63) || slos.Length > 100)
        {
            errors["slos"] = ["SLO names of 1 to 63 characters, at most 100."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var policy = await db.GatePolicies.FirstOrDefaultAsync(p => p.Id == GatePolicy.SingletonId, ct);
        var before = policy is null ? GatePolicyView.From(GatePolicy.Default()) : GatePolicyView.From(policy);
        if (policy is null)
        {
            policy = GatePolicy.Default();
            db.GatePolicies.Add(policy);
        }
        policy.GatedEnvironments = [.. environments.Distinct()];
        policy.DenyOnExhaustedBudget = body.DenyOnExhaustedBudget ?? true;
        policy.DenyOnAlertSeverities = [.. severities.Distinct()];
        policy.Slos = [.. slos.Distinct(StringComparer.OrdinalIgnoreCase)];
        policy.AllowFixes = body.AllowFixes ?? true;
        policy.UpdatedAt = time.GetUtcNow();
        policy.UpdatedBy = AuditActor.From(http).Name;
        AuditLog.Record(db, AuditActor.From(http), "delivery.gate.policy.update", "delivery-gate-policy", before: before, after: GatePolicyView.From(policy));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(GatePolicyView.From(policy));
    }

    public static async Task<Ok<List<GateOverrideView>>> ListOverridesAsync(string? component, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var query = db.GateOverrides.AsNoTracking();
        if (DeliveryEventRules.ComponentRefOf(component) is { } componentRef)
        {
            query = query.Where(o => o.ComponentRef == componentRef);
        }
        var now = time.GetUtcNow();
        var rows = await query.OrderByDescending(o => o.CreatedAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(o => GateOverrideView.From(o, now)).ToList());
    }

    public static async Task<Results<Created<GateOverrideView>, ValidationProblem>> CreateOverrideAsync(GateOverrideRequest body, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var componentRef = DeliveryEventRules.ComponentRefOf(body.Component);
        if (componentRef is null || !await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
        {
            errors["component"] = [$"'{body.Component}' is not a component in the catalog."];
        }
        if (string.IsNullOrWhiteSpace(body.Environment) || body.Environment.Trim().Length > DeliveryLimits.Name)
        {
            errors["environment"] = ["Name the environment the override is for, e.g. 'prod'."];
        }
        if (string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Trim().Length > 1000)
        {
            errors["reason"] = ["Say why the gate is overridden (1 to 1000 characters): the audit log keeps it."];
        }
        if (body.Hours is < 1 or > 168)
        {
            errors["hours"] = ["An override lasts 1 to 168 hours (default 4)."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var now = time.GetUtcNow();
        var actor = AuditActor.From(http);
        var entry = new GateOverride
        {
            ComponentRef = componentRef!, Environment = body.Environment!.Trim().ToLowerInvariant(), Reason = body.Reason!.Trim(),
            CreatedBy = actor.Name, CreatedAt = now, ExpiresAt = now.AddHours(body.Hours ?? 4),
        };
        db.GateOverrides.Add(entry);
        AuditLog.Record(db, actor, "delivery.gate.override.create", $"{entry.ComponentRef}@{entry.Environment}",
            after: new { entry.Id, entry.Reason, entry.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/delivery/gate/overrides?component={Uri.EscapeDataString(entry.ComponentRef)}", GateOverrideView.From(entry, now));
    }

    public static async Task<Results<NoContent, NotFound>> RevokeOverrideAsync(Guid id, PortalDbContext db, TimeProvider time, HttpContext http,
        CancellationToken ct)
    {
        var entry = await db.GateOverrides.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (entry is null)
        {
            return TypedResults.NotFound();
        }
        if (entry.RevokedAt is null)
        {
            var actor = AuditActor.From(http);
            entry.RevokedAt = time.GetUtcNow();
            entry.RevokedBy = actor.Name;
            AuditLog.Record(db, actor, "delivery.gate.override.revoke", $"{entry.ComponentRef}@{entry.Environment}", after: new { entry.Id, entry.RevokedAt });
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    public static Task<IResult> GitHubWebhookAsync(HttpContext http, PortalDbContext db, IOptions<DeliveryOptions> options, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct) =>
        WebhookAsync(http, db, options.Value, time, logs.CreateLogger(typeof(DeliveryEndpoints)), "github", ct);

    public static Task<IResult> GitLabWebhookAsync(HttpContext http, PortalDbContext db, IOptions<DeliveryOptions> options, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct) =>
        WebhookAsync(http, db, options.Value, time, logs.CreateLogger(typeof(DeliveryEndpoints)), "gitlab", ct);

    private static async Task<IResult> WebhookAsync(HttpContext http, PortalDbContext db, DeliveryOptions options, TimeProvider time,
        ILogger logger, string source, CancellationToken ct)
    {
        var proof = source == "github" ? http.Request.Headers["X-Hub-Signature-256"].ToString() : http.Request.Headers["X-Gitlab-Token"].ToString();
        if (proof.Length == 0)
        {
            return Unauthorized(source == "github" ? "The X-Hub-Signature-256 header is missing." : "The X-Gitlab-Token header is missing.");
        }
        var (bytes, tooLarge) = await ReadBodyAsync(http, ct);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            // Not JSON: nothing to look a per-component secret up by, so only the global one can vouch for it.
            return Verified(bytes, proof, options.Webhooks.Secret, source) ? Invalid("body", "The payload is not JSON.") : Unauthorized("The signature does not match.");
        }
        using (document)
        {
            var component = http.Request.Query["component"].ToString() is { Length: > 0 } named ? named : WebhookPayloads.RepositoryName(document.RootElement);
            var componentRef = DeliveryEventRules.ComponentRefOf(component);
            var secret = SecretFor(options.Webhooks, componentRef);
            if (secret is null)
            {
                return Unauthorized("No webhook secret is configured for this component (Portal:Delivery:Webhooks).");
            }
            if (!Verified(bytes, proof, secret, source))
            {
                logger.LogWarning("A {Source} webhook for {Component} was refused: its signature does not match", source, componentRef ?? "(none)");
                return Unauthorized("The signature does not match.");
            }
            if (componentRef is null || !await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
            {
                return Invalid("component", $"'{component}' is not a component in the catalog: name it in the hook's URL (?component=...).");
            }
            var webhook = source == "github"
                ? WebhookPayloads.FromGitHub(http.Request.Headers["X-GitHub-Event"].ToString(), document.RootElement, componentRef)
                : WebhookPayloads.FromGitLab(document.RootElement, componentRef);
            if (webhook.Errors is { } errors)
            {
                return TypedResults.ValidationProblem(errors);
            }
            if (webhook.Ignored is { } why)
            {
                return TypedResults.Accepted((string?)null, new { ignored = why });
            }
            var now = time.GetUtcNow();
            if (webhook.Build is { } build)
            {
                var problems = DeliveryEventRules.Validate(build);
                if (problems.Count > 0)
                {
                    return TypedResults.ValidationProblem(problems);
                }
                var (stored, created) = await DeliveryEvents.RecordAsync(db, options, componentRef, build, source, now, ct);
                return created ? TypedResults.Created((string?)null, BuildView.From(stored)) : TypedResults.Ok(BuildView.From(stored));
            }
            var deployment = webhook.Deployment!;
            var issues = DeliveryEventRules.Validate(deployment);
            if (issues.Count > 0)
            {
                return TypedResults.ValidationProblem(issues);
            }
            var (saved, isNew) = await DeliveryEvents.RecordAsync(db, options, componentRef, deployment, source, now, ct);
            return isNew ? TypedResults.Created((string?)null, DeploymentView.From(saved)) : TypedResults.Ok(DeploymentView.From(saved));
        }
    }

    /// <summary>A component's own secret, else the global one; null when neither is configured.</summary>
    private static string? SecretFor(DeliveryWebhookOptions secrets, string? componentRef)
    {
        if (componentRef is not null)
        {
            var name = componentRef[(componentRef.IndexOf('/', StringComparison.Ordinal) + 1)..];
            foreach (var (key, value) in secrets.ComponentSecrets)
            {
                if (!string.IsNullOrEmpty(value) && (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(DeliveryEventRules.ComponentRefOf(key), componentRef, StringComparison.Ordinal)))
                {
                    return value;
                }
            }
        }
        return string.IsNullOrEmpty(secrets.Secret) ? null : secrets.Secret;
    }

    private static bool Verified(byte[] body, string proof, string? secret, string source) =>
        secret is not null && (source == "github" ? WebhookPayloads.GitHubSignatureValid(body, proof, secret) : WebhookPayloads.GitLabTokenValid(proof, secret));

    /// <summary>The component the caller names, if it exists and the caller may send its events (a refusal is audited).</summary>
    private static async Task<(string? ComponentRef, IResult? Refused)> AuthorizeComponentAsync(HttpContext http, PortalDbContext db, string component,
        CancellationToken ct)
    {
        var componentRef = DeliveryEventRules.ComponentRefOf(component)!;
        if (!await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
        {
            return (null, Invalid("component", $"'{component}' is not a component in the catalog."));
        }
        var limitedTo = http.User.FindAll(PortalClaims.IngestService).Select(c => c.Value).ToList();
        var owner = await CatalogReads.OwnerOfAsync(db, componentRef, ct);
        if (!DeliveryEventRules.MaySend(AccessFacts.From(http.User), limitedTo, componentRef, owner))
        {
            await AuditLog.WriteAsync(db, AuditActor.From(http), "delivery.event", componentRef, "denied", ct);
            return (null, TypedResults.Problem(statusCode: 403, title: "Not your component",
                detail: limitedTo.Count > 0 ? $"This token is limited to {string.Join(", ", limitedTo)}." : $"Only the owning team ({owner}) or an admin sends {componentRef}'s events."));
        }
        return (componentRef, null);
    }

    /// <summary>The body as <typeparamref name="T"/>, or the 400 (naming the field that does not parse) or 413 to answer.</summary>
    private static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        var (bytes, tooLarge) = await ReadBodyAsync(http, ct);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }
        try
        {
            // Syntax first, so a broken body is reported as such and not as the field the parser stopped in.
            using var syntax = JsonDocument.Parse(bytes);
            if (syntax.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Invalid("body", "Send a JSON object."));
            }
        }
        catch (JsonException)
        {
            return (null, Invalid("body", "The body is not valid JSON."));
        }
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json) is { } body ? (body, null) : (null, Invalid("body", "Send a JSON object."));
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return (null, Invalid(field, field == "body" ? "The body is not valid JSON." : $"'{field}' has the wrong type or format (times are ISO 8601 with an offset)."));
        }
    }

    private static async Task<(byte[] Bytes, IResult? TooLarge)> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > DeliveryLimits.MaxBodyBytes)
        {
            return ([], TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > DeliveryLimits.MaxBodyBytes)
            {
                return ([], TooLarge());
            }
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: 413, title: "Payload too large", detail: $"Delivery events are at most {DeliveryLimits.MaxBodyBytes / 1024} kB.");

    private static ProblemHttpResult Unauthorized(string detail) => TypedResults.Problem(statusCode: 401, title: "Webhook not verified", detail: detail);

    private static ValidationProblem Invalid(string field, string message) => TypedResults.ValidationProblem(Error(field, message));

    private static Dictionary<string, string[]> Error(string field, string message) => new() { [field] = [message] };

    private static string? TeamRefOf(string team)
    {
        try
        {
            var parsed = EntityRef.Parse(team, defaultKind: "group");
            return string.Equals(parsed.Kind, "group", StringComparison.OrdinalIgnoreCase) ? parsed.ToString() : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
