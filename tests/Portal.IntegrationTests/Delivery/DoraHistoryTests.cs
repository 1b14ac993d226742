using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// Ninety days of scripted delivery history for three components (commits, builds, production and staging
/// deployments, failures and their fixes, rollbacks, retried posts) sent through the API, and incidents opened by page
/// alerts through the incidents' alert listener and mitigated or resolved through their command: some within a day of a
/// deployment (failing it, their mitigation its restore), some more than a day after the last one (failing nothing).
/// The DORA figures the API reports per component, team and organisation are checked against the ones this test
/// derives from what it scripted: which commit first reached production when, which change it meant to fail and when
/// it scripted the restore.
/// </summary>
public sealed class DoraHistoryTests(DoraHistoryTests.History history) : IClassFixture<DoraHistoryTests.History>
{
    private readonly PortalAppFactory factory = history.Factory;
    private string _ci => history.CiToken;
    private List<ScriptedDeployment> _prod => history.Prod;
    private List<(string Component, double Hours)> _leadTimes => history.LeadTimes;
    private List<(string Component, bool Failed)> _changes => history.Changes;
    private List<(string Component, double Hours)> _restores => history.Restores;
    private List<(string Component, bool Succeeded)> _builds => history.Builds;

    /// <summary>The portal and the history posted to it, once for the class, with what the script meant.</summary>
    public sealed class History : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();
        public string CiToken { get; private set; } = "";
        internal List<ScriptedDeployment> Prod { get; } = [];
        public List<(string Component, double Hours)> LeadTimes { get; } = [];
        public List<(string Component, bool Failed)> Changes { get; } = [];
        public List<(string Component, double Hours)> Restores { get; } = [];
        public List<(string Component, bool Succeeded)> Builds { get; } = [];

        /// <summary>A change that only an incident failed: its end, and its restore in hours (null: the incident is still open).</summary>
        public List<(string Component, DateTimeOffset Finished, double? RestoreHours)> FailedByIncident { get; } = [];

        /// <summary>A successful change with no incident within a day, but one opened later (before the next deployment): its end.</summary>
        public List<(string Component, DateTimeOffset Finished, DateTimeOffset IncidentAt)> Unrelated { get; } = [];

        /// <summary>The incidents to open: component, opened, how they end (null: left open, else mitigated or resolved) and when.</summary>
        private readonly List<(string Component, DateTimeOffset Opened, string? EndedAs, DateTimeOffset? Ended)> _incidents = [];

        public async Task InitializeAsync()
        {
            await Factory.SeedDemoAsync();
            CiToken = await DeliveryKit.ServiceTokenAsync(Factory, "ci", [PortalScopes.DeliveryWrite, PortalScopes.CatalogRead]);
            using var ci = Factory.ClientWithToken(CiToken);
            var random = new Random(22);
            // Incidents have their own sequence, so the deployments are those of the history without them.
            var incidentRandom = new Random(21);
            var plain = new List<(string Component, DateTimeOffset Finished)>();

            // An incident opened at `opened`, ended (mitigated, or resolved without mitigating, or mitigated and resolved
            // later: the mitigation is the restore) some minutes later; its restore in hours.
            double Incident(string component, DateTimeOffset opened)
            {
                var minutes = incidentRandom.Next(15, 600);
                var endedAs = incidentRandom.NextDouble() < 0.3 ? "resolved" : "mitigated";
                _incidents.Add((component, opened, endedAs, opened.AddMinutes(minutes)));
                return minutes / 60.0;
            }
            var run = 0;
            var sha = 0;
            string NextSha() => (++sha).ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

            async Task Post(string path, object body, bool retry)
            {
                for (var i = 0; i < (retry ? 2 : 1); i++)
                {
                    var response = await ci.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
                    Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }

            async Task Deploy(string component, string environment, DateTimeOffset started, int minutes, string status, bool rollback,
                IReadOnlyList<(string Sha, DateTimeOffset At)> commits, bool isChange)
            {
                var finished = started.AddMinutes(minutes);
                await Post("/api/delivery/deployments", new
                {
                    component, environment, runId = $"deploy-{++run}", version = $"1.0.{run}",
                    commitSha = commits.Count == 0 ? "0000000000000000000000000000000000000001" : null,
                    commits = commits.Select(c => new { sha = c.Sha, committedAt = c.At }).ToArray(),
                    status, rollback, startedAt = started, finishedAt = status == "running" ? (DateTimeOffset?)null : finished, deployedBy = "ci",
                }, retry: random.NextDouble() < 0.2);
                if (environment == "prod" && status != "running")
                {
                    Prod.Add(new ScriptedDeployment(component, started, finished, status == "succeeded", rollback, isChange));
                }
            }

            foreach (var component in Components)
            {
                for (var day = 0; day < 90; day++)
                {
                    var morning = From.AddDays(day).AddHours(9);
                    for (var b = 0; b < random.Next(1, 5); b++)
                    {
                        var roll = random.NextDouble();
                        var status = roll < 0.05 ? "cancelled" : roll < 0.25 ? "failed" : "succeeded";
                        var started = morning.AddHours(b);
                        await Post("/api/delivery/builds", new
                        {
                            component, pipeline = "ci", runId = $"build-{++run}", commitSha = NextSha(), branch = "main", status,
                            startedAt = started, finishedAt = started.AddMinutes(random.Next(3, 16)),
                        }, retry: random.NextDouble() < 0.2);
                        if (status != "cancelled")
                        {
                            Builds.Add((component, status == "succeeded"));
                        }
                    }
                    if (random.NextDouble() < 0.5)
                    {
                        await Deploy(component, "staging", morning.AddHours(3), 5, "succeeded", false, [(NextSha(), morning)], false);
                    }
                    if (random.NextDouble() >= 0.7)
                    {
                        continue;
                    }
                    var start = From.AddDays(day).AddHours(14);
                    var commits = Enumerable.Range(0, random.Next(1, 4)).Select(_ => (NextSha(), start.AddMinutes(-random.Next(60, 72 * 60)))).ToList();
                    var duration = random.Next(2, 21);
                    var outcome = random.NextDouble();
                    if (outcome < 0.08)
                    {
                        // A failed deployment, then the fix: the same commits and one more, a few hours later.
                        await Deploy(component, "prod", start, duration, "failed", false, commits, true);
                        Changes.Add((component, true));
                        var failedAt = start.AddMinutes(duration);
                        var fixStart = failedAt.AddMinutes(random.Next(30, 300));
                        var fixDuration = random.Next(2, 21);
                        var fix = commits.Append((NextSha(), failedAt.AddMinutes(10))).ToList();
                        await Deploy(component, "prod", fixStart, fixDuration, "succeeded", false, fix, true);
                        Changes.Add((component, false));
                        var fixedAt = fixStart.AddMinutes(fixDuration);
                        // With an incident opened while it was live, the restore is the incident's, not the fix's.
                        Restores.Add((component, incidentRandom.NextDouble() < 0.5 ? Incident(component, failedAt.AddMinutes(5)) : (fixedAt - failedAt).TotalHours));
                        LeadTimes.AddRange(fix.Select(c => (component, (fixedAt - c.Item2).TotalHours)));
                    }
                    else if (outcome < 0.15)
                    {
                        // Deployed, found bad, rolled back within two hours.
                        await Deploy(component, "prod", start, duration, "succeeded", false, commits, true);
                        Changes.Add((component, true));
                        var deployedAt = start.AddMinutes(duration);
                        LeadTimes.AddRange(commits.Select(c => (component, (deployedAt - c.Item2).TotalHours)));
                        var back = deployedAt.AddMinutes(random.Next(10, 120));
                        var backDuration = random.Next(2, 10);
                        await Deploy(component, "prod", back, backDuration, "succeeded", true, [], false);
                        Restores.Add((component, incidentRandom.NextDouble() < 0.5
                            ? Incident(component, deployedAt.AddMinutes(5)) : (back.AddMinutes(backDuration) - deployedAt).TotalHours));
                    }
                    else
                    {
                        await Deploy(component, "prod", start, duration, "succeeded", false, commits, true);
                        var deployedAt = start.AddMinutes(duration);
                        LeadTimes.AddRange(commits.Select(c => (component, (deployedAt - c.Item2).TotalHours)));
                        if (incidentRandom.NextDouble() < 0.12)
                        {
                            // An incident within the day after (the next deployment is the next day at 14:00 at the earliest): a
                            // failed change; a few are left open, so failed and not restored.
                            var opened = deployedAt.AddMinutes(incidentRandom.Next(10, 20 * 60));
                            double? restore = null;
                            if (incidentRandom.NextDouble() < 0.2)
                            {
                                _incidents.Add((component, opened, null, null));
                            }
                            else
                            {
                                restore = Incident(component, opened);
                                Restores.Add((component, restore.Value));
                            }
                            Changes.Add((component, true));
                            FailedByIncident.Add((component, deployedAt, restore));
                        }
                        else
                        {
                            Changes.Add((component, false));
                            plain.Add((component, deployedAt));
                        }
                    }
                }
            }
            // Still running at the end: not a deployment yet.
            await Deploy("cart-service", "prod", To.AddHours(-1), 5, "running", false, [(NextSha(), To.AddHours(-3))], false);

            // Unrelated incidents: a day and an hour after a plain change whose component does not deploy again for more than
            // two days (so no deployment finished within the day before it), a few per component.
            foreach (var component in Components)
            {
                var finishes = Prod.Where(d => d.Component == component).Select(d => d.Finished).Order().ToList();
                foreach (var (_, finished) in plain.Where(p => p.Component == component).Where(p =>
                    finishes.FirstOrDefault(f => f > p.Finished) is var next && (next == default || next - p.Finished > TimeSpan.FromHours(50))).Take(3))
                {
                    var at = finished.AddHours(25);
                    Incident(component, at);
                    Unrelated.Add((component, finished, at));
                }
            }
            await OpenIncidentsAsync();
        }

        /// <summary>
        /// Opens the scripted incidents as a page alert does (the incidents' own alert listener, one SLO each so none joins
        /// another), then mitigates or resolves them as their team does (the incident command, at the scripted time).
        /// </summary>
        private async Task OpenIncidentsAsync()
        {
            var listener = Factory.Services.GetServices<IAlertListener>().OfType<IncidentAlertListener>().Single();
            var notifier = Factory.Services.GetRequiredService<IncidentNotifier>();
            foreach (var (component, opened, endedAs, ended) in _incidents.OrderBy(i => i.Opened))
            {
                var componentRef = $"component:default/{component}";
                var sloId = Guid.NewGuid();
                await listener.OnAlertsAsync([new AlertChange("slo.alert.firing", Guid.NewGuid(), sloId, "availability", componentRef, "page-1h-5m", "page",
                    $"{component} availability", "Burning the budget.", null, new Dictionary<string, string>(), opened)], default);
                if (endedAs is null)
                {
                    continue;
                }
                await using var db = await Factory.DbAsync();
                var id = await db.Incidents.Where(i => i.SloId == sloId).Select(i => i.Id).SingleAsync();
                var owner = component == "payment-gateway" ? "group:default/payments" : "group:default/checkout";
                var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "on-call"), new Claim(PortalClaims.Team, owner)], "test"));
                Assert.Equal(IncidentOutcome.Done, (await IncidentCommands.MoveAsync(db, user, AuditActor.From(user, null), notifier, ended!.Value, id, endedAs, default)).Outcome);
                if (endedAs == "mitigated")
                {
                    Assert.Equal(IncidentOutcome.Done,
                        (await IncidentCommands.MoveAsync(db, user, AuditActor.From(user, null), notifier, ended.Value.AddHours(2), id, "resolved", default)).Outcome);
                }
            }
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private static readonly DateTimeOffset To = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = To.AddDays(-90);

    // Checkout owns the cart service and the pricing engine; Payments owns the payment gateway.
    private static readonly string[] Components = ["cart-service", "pricing-engine", "payment-gateway"];

    internal sealed record ScriptedDeployment(string Component, DateTimeOffset Started, DateTimeOffset Finished, bool Succeeded, bool Rollback, bool IsChange);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.ToList();
        sorted.Sort();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private Task<DoraFigures> MetricsAsync(string query) => MetricsAsync(query, From, To);

    private async Task<DoraFigures> MetricsAsync(string query, DateTimeOffset from, DateTimeOffset to)
    {
        using var ci = factory.ClientWithToken(_ci);
        var response = await ci.GetAsync(new Uri($"/api/delivery/metrics?{query}&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<DeliveryMetrics>(JsonSerializerOptions.Web))!.Figures;
    }

    /// <summary>
    /// Checks the figures against the script's. Medians exactly, or, read from the rollup's histograms, within
    /// <paramref name="medianPrecision"/> (relative) of the exact median: every other figure is exact either way.
    /// </summary>
    private void AssertFigures(DoraFigures actual, HashSet<string> scope, double medianPrecision = 0)
    {
        var prod = _prod.Where(d => scope.Contains(d.Component)).ToList();
        var successful = prod.Where(d => d.Succeeded).ToList();
        var leads = _leadTimes.Where(l => scope.Contains(l.Component)).Select(l => l.Hours).ToList();
        var changes = _changes.Where(c => scope.Contains(c.Component)).ToList();
        var restores = _restores.Where(r => scope.Contains(r.Component)).Select(r => r.Hours).ToList();
        var builds = _builds.Where(b => scope.Contains(b.Component)).ToList();

        Assert.Equal(successful.Count, actual.Deployments);
        Assert.Equal(successful.Count / 90.0, actual.DeploymentsPerDay, 9);
        Assert.Equal(leads.Count, actual.LeadTimeCommits);
        AssertMedian(Median(leads), actual.LeadTimeHours!.Value, medianPrecision);
        Assert.Equal((changes.Count, changes.Count(c => c.Failed)), (actual.Changes, actual.FailedChanges));
        Assert.Equal((double)changes.Count(c => c.Failed) / changes.Count, actual.ChangeFailureRate!.Value, 9);
        Assert.Equal(restores.Count, actual.Restores);
        AssertMedian(Median(restores), actual.TimeToRestoreHours!.Value, medianPrecision);
        Assert.Equal(builds.Count, actual.BuildsFinished);
        Assert.Equal((double)builds.Count(b => b.Succeeded) / builds.Count, actual.BuildSuccessRate!.Value, 9);
        Assert.Equal(successful.Average(d => (d.Finished - d.Started).TotalMinutes), actual.MeanTimeToDeployMinutes!.Value, 9);
        Assert.Equal(DoraBands.DeploymentFrequency(successful.Count / 90.0), actual.Bands.DeploymentFrequency);
        Assert.Equal(DoraBands.ChangeFailureRate((double)changes.Count(c => c.Failed) / changes.Count), actual.Bands.ChangeFailureRate);
    }

    private static void AssertMedian(double expected, double actual, double precision)
    {
        if (precision == 0)
        {
            Assert.Equal(expected, actual, 9);
        }
        else
        {
            Assert.InRange(actual, expected / (1 + precision) - 1e-9, expected * (1 + precision) + 1e-9);
        }
    }

    [Fact]
    public async Task A_components_figures_match_its_scripted_history()
    {
        var figures = await MetricsAsync("component=cart-service");

        AssertFigures(figures, new HashSet<string> { "cart-service" });
        // The script really exercises failures, rollbacks and several commits per deployment.
        Assert.InRange(figures.FailedChanges, 2, 30);
        Assert.True(_restores.Count(r => r.Component == "cart-service") >= 2);
        Assert.True(figures.LeadTimeCommits > figures.Changes);
    }

    [Fact]
    public async Task An_incident_within_a_day_of_a_change_fails_it_and_times_its_restore_and_one_opened_later_fails_nothing()
    {
        Assert.True(history.FailedByIncident.Count >= 5, $"{history.FailedByIncident.Count} changes failed by an incident");
        Assert.Contains(history.FailedByIncident, f => f.RestoreHours is null);
        Assert.True(history.Unrelated.Count >= 3, $"{history.Unrelated.Count} unrelated incidents");
        foreach (var (component, finished, restore) in history.FailedByIncident.Take(8))
        {
            // The second around the change's end holds that change alone.
            var one = await MetricsAsync($"component={component}", finished.AddSeconds(-1), finished.AddSeconds(1));
            Assert.Equal((1, 1, restore is null ? 0 : 1), (one.Changes, one.FailedChanges, one.Restores));
            if (restore is not null)
            {
                Assert.Equal(restore.Value, one.TimeToRestoreHours!.Value, 9);
            }
        }
        foreach (var (component, finished, _) in history.Unrelated)
        {
            var one = await MetricsAsync($"component={component}", finished.AddSeconds(-1), finished.AddSeconds(1));
            Assert.Equal((1, 0, 0), (one.Changes, one.FailedChanges, one.Restores));
        }
    }

    [Fact]
    public async Task A_teams_figures_pool_its_components_and_the_organisations_pool_all()
    {
        AssertFigures(await MetricsAsync("team=checkout"), new HashSet<string> { "cart-service", "pricing-engine" });
        AssertFigures(await MetricsAsync("team=group:default/payments"), new HashSet<string> { "payment-gateway" });
        AssertFigures(await MetricsAsync("scope=organisation"), new HashSet<string>(Components));
    }

    [Fact]
    public async Task The_per_day_rollup_kept_as_the_events_arrived_gives_the_scripted_figures_with_medians_within_its_precision()
    {
        // The events came through the API, retries and a still-running deployment included: the rollup followed each one.
        await using var db = await factory.DbAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        var checkout = await DeliveryQueries.RolledUpAsync(connection, ["component:default/cart-service", "component:default/pricing-engine"], From, To, default);
        var organisation = await DeliveryQueries.RolledUpAsync(connection, null, From, To, default);

        AssertFigures(checkout, new HashSet<string> { "cart-service", "pricing-engine" }, DoraHistogram.RelativePrecision);
        AssertFigures(organisation, new HashSet<string>(Components), DoraHistogram.RelativePrecision);
        Assert.Equal((From, To), (organisation.From, organisation.To));
    }

    [Fact]
    public async Task Rebuilding_the_rollup_from_the_events_gives_the_rows_kept_as_they_arrived()
    {
        await using var db = await factory.DbAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        async Task<List<string>> RowsAsync() =>
            await db.Database.SqlQueryRaw<string>("SELECT r::text AS \"Value\" FROM delivery_daily r ORDER BY component_ref, day").ToListAsync();
        var kept = await RowsAsync();

        await DeliveryRollup.RebuildAsync(db, new DeliveryOptions(), default);

        Assert.True(kept.Count > 90, $"{kept.Count} rows");
        Assert.Equal(kept, await RowsAsync());
    }

    [Fact]
    public async Task Unknown_scopes_and_bad_periods_are_refused_by_name()
    {
        using var ci = factory.ClientWithToken(_ci);
        foreach (var (query, field) in new[]
        {
            ("component=no-such-service", "component"), ("team=no-such-team", "team"), ("component=cart-service&team=checkout", "team"),
            ("from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "to"), ("from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        })
        {
            var response = await ci.GetAsync(new Uri($"/api/delivery/metrics?{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal([field], await DeliveryKit.ProblemFieldsAsync(response));
        }
    }
}
