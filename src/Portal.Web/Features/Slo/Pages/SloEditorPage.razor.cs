using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Web.Components;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Slo.Pages;

/// <summary>
/// Creates or edits an SLO: the fields live in <see cref="SloEditorForm"/>; this class loads the pickable components,
/// runs the same checks a save makes as the person types, computes the live preview and saves through
/// <see cref="SloCommands"/>.
/// </summary>
public partial class SloEditorPage
{
    [Parameter] public Guid? Id { get; set; }
    [SupplyParameterFromQuery(Name = "component")] public string? InitialComponent { get; set; }
    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }
    [CascadingParameter] private ClientInfo Client { get; set; } = new(null);

    private sealed record ComponentOption(string Ref, string Name, string? Title, string? Owner, string? Description);

    private static readonly string[] Zones = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(z => z.Contains('/', StringComparison.Ordinal) || z == "UTC")
        .Order(StringComparer.Ordinal).ToArray();

    // The fields whose save-time checks (SloCommands.CheckAsync) the editor shows as the person types.
    private static readonly string[] ServerChecked = ["component", "name"];

    private SloEditorForm form = new();
    private AccessFacts? facts;
    private SloDefinition? original;
    private List<ComponentOption> components = [];
    private Dictionary<string, ComponentOption> known = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string> ownerNames = new Dictionary<string, string>();
    private string? readOnlyReason, saveError, previewError;
    private Dictionary<string, string> errors = new(StringComparer.Ordinal);
    private bool loading = true, busy, previewing;

    private SloView? preview;
    private List<SloStep> previewSteps = [];
    private TimeSpan previewStep;
    private List<ChartSeries<double>> previewSeries = [];
    private string[] previewLabels = [];
    private CancellationTokenSource? previewCancel;

    private string PreviewHint => form.Component is null
        ? "Choose a component to see its SLI on the data received so far."
        : errors.Keys.Any(k => k is not ("name" or "displayName"))
            ? "Fix the highlighted fields to see the preview."
            : "Computing…";

    protected override async Task OnParametersSetAsync()
    {
        loading = true;
        var (_, who) = await CurrentUser.GetAsync(AuthState);
        facts = who;
        await using var db = await DbFactory.CreateDbContextAsync(Aborted);
        if (!AccessRules.HasScope(who, PortalScopes.CatalogWrite))
        {
            readOnlyReason = "Creating and changing SLOs needs the catalog:write scope.";
        }
        var teams = who.Teams.Select(t => t.ToLowerInvariant()).ToList();
        var query = CatalogReads.Active(db, CatalogKinds.Component);
        if (!who.IsAdmin)
        {
            query = query.Where(i => i.Owner != null && teams.Contains(i.Owner));
        }
        components = (await query.OrderBy(i => i.Name).Take(5_000).Select(i => new { EntityRef = i.Ref, i.Name, i.Title, i.Owner, i.Description }).ToListAsync(Aborted))
            .Select(e => new ComponentOption(e.EntityRef, e.Name, e.Title, e.Owner, e.Description)).ToList();
        known = components.ToDictionary(c => c.Ref, StringComparer.Ordinal);
        ownerNames = await CatalogReads.DisplayNamesAsync(db, components.Select(c => c.Owner).OfType<string>().Distinct(), Aborted);

        if (Id is { } id)
        {
            original = await db.Set<SloDefinition>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, Aborted);
            if (original is not null)
            {
                var (user, _) = await CurrentUser.GetAsync(AuthState);
                if (readOnlyReason is null && !await SloQueries.MayChangeAsync(db, user, original.ComponentRef, Aborted))
                {
                    readOnlyReason = $"Only the team that owns {SloFormat.ComponentName(original.ComponentRef)} (or a platform admin) may change its SLOs.";
                }
                await RememberAsync(db, original.ComponentRef);
                form = SloEditorForm.From(original);
            }
        }
        else if (readOnlyReason is null && components.Count == 0)
        {
            readOnlyReason = "Your teams own no components in the catalog, so there is nothing to define an SLO for. Ask to be added to a team (a catalog Group), or ask the owning team.";
        }
        else if (!string.IsNullOrWhiteSpace(InitialComponent))
        {
            try
            {
                var initial = EntityRef.Parse(InitialComponent, defaultKind: "component").ToString();
                await RememberAsync(db, initial);
                form.Component = initial;
                form.SuggestName(Id is null);
            }
            catch (FormatException)
            {
                saveError = $"'{InitialComponent}' is not a component reference; choose the component below.";
            }
        }
        loading = false;
        await ValidateAsync(db);
        await RefreshPreviewAsync();
    }

    /// <summary>Adds a component outside the picker's list (an SLO's current one, or one from the link) so its label shows.</summary>
    private async Task RememberAsync(PortalDbContext db, string componentRef)
    {
        if (known.ContainsKey(componentRef))
        {
            return;
        }
        var entity = await CatalogReads.Entities(db).Where(i => i.Ref == componentRef)
            .Select(i => new ComponentOption(i.Ref, i.Name, i.Title, i.Owner, i.Description)).FirstOrDefaultAsync(Aborted);
        if (entity is not null)
        {
            known[componentRef] = entity;
        }
    }

    private string ComponentLabel(string componentRef) => known.TryGetValue(componentRef, out var c)
        ? string.IsNullOrWhiteSpace(c.Title) ? c.Name : $"{c.Title} ({c.Name})"
        : SafeName(componentRef);

    private string OptionDetail(string componentRef) => known.TryGetValue(componentRef, out var c)
        ? $"{(c.Owner is not null && ownerNames.GetValueOrDefault(c.Owner.ToLowerInvariant()) is { } owner ? owner : SloFormat.OwnerName(c.Owner))}{(string.IsNullOrWhiteSpace(c.Description) ? "" : " · " + c.Description)}"
        : componentRef;

    private static string SafeName(string reference)
    {
        try
        {
            return EntityRef.Parse(reference, defaultKind: "component").ToDisplayString();
        }
        catch (FormatException)
        {
            return reference;
        }
    }

    private Task<IEnumerable<string>> SearchComponents(string? text, CancellationToken cancellationToken)
    {
        var matches = string.IsNullOrWhiteSpace(text) || (form.Component is not null && text == ComponentLabel(form.Component))
            ? components
            : components.Where(c => c.Ref.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)
                || (c.Title?.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase) ?? false));
        return Task.FromResult(matches.Select(c => c.Ref));
    }

    private Task<IEnumerable<string>> SearchZones(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text) || text == form.TimeZone
            ? Zones.AsEnumerable()
            : Zones.Where(z => z.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private async Task ComponentChangedAsync(string? value) { form.Component = value; form.SuggestName(Id is null); await ChangedAsync(); }
    private async Task NameChangedAsync(string? value) { form.Name = value?.Trim(); await ChangedAsync(preview: false); }
    private void DisplayNameChanged(string? value) => form.DisplayName = value;
    private async Task IndicatorChangedAsync(string value) { form.Indicator = value; form.SuggestName(Id is null); await ChangedAsync(); }
    private async Task ThresholdChangedAsync(decimal? value) { form.ThresholdSeconds = value; await ChangedAsync(); }
    private async Task TargetChangedAsync(decimal? value) { form.TargetPercent = value; await ChangedAsync(); }
    private async Task WindowChangedAsync(string value) { form.WindowChoice = value; await ChangedAsync(); }
    private async Task TimeZoneChangedAsync(string? value) { form.TimeZone = value ?? "UTC"; await ChangedAsync(); }
    private async Task BudgetingChangedAsync(string value) { form.BudgetingMethod = value; await ChangedAsync(); }
    private async Task SliceChangedAsync(decimal? value) { form.SlicePercent = value; await ChangedAsync(); }
    private async Task MinEventsChangedAsync(long? value) { form.MinEvents = value; await ChangedAsync(); }
    private async Task NoDataChangedAsync(int? value) { form.NoDataMinutes = value; await ChangedAsync(); }
    private async Task RatioCountsChangedAsync(string value) { form.RatioCounts = value; await ChangedAsync(); }
    private async Task EventsMetricChangedAsync(string? value) { form.EventsMetric = value; await ChangedAsync(); }
    private async Task EventsAttributesChangedAsync(string? value) { form.EventsAttributes = value; await ChangedAsync(); }
    private async Task TotalMetricChangedAsync(string? value) { form.TotalMetric = value; await ChangedAsync(); }
    private async Task TotalAttributesChangedAsync(string? value) { form.TotalAttributes = value; await ChangedAsync(); }
    private async Task CustomRulesChangedAsync(bool value) { form.CustomRules = value; await ChangedAsync(); }
    private async Task RulesChangedAsync(string? value) { form.RulesText = value; await ChangedAsync(); }

    private async Task ChangedAsync(bool preview = true)
    {
        saveError = null;
        await using (var db = await DbFactory.CreateDbContextAsync(Aborted))
        {
            await ValidateAsync(db);
        }
        if (preview)
        {
            await RefreshPreviewAsync();
        }
    }

    /// <summary>
    /// The API's checks, field by field: the form's own (<see cref="SloEditorForm.Validate"/>), then the component in the
    /// catalog and changeable by this person, and the name unique for the component.
    /// </summary>
    private async Task ValidateAsync(PortalDbContext db)
    {
        var found = form.Validate(Id is null);
        if (form.Component is { } component && !found.ContainsKey("component"))
        {
            // The same checks a save makes (SloCommands): the component exists, is this person's to change, and the name is free.
            var (user, _) = await CurrentUser.GetAsync(AuthState);
            var (problems, _, forbidden) = await SloCommands.CheckAsync(db, user, Id, form.ToRequest(), Aborted);
            if (forbidden)
            {
                found["component"] = $"Only the team that owns {SafeName(component)} (or a platform admin) may define its SLOs.";
            }
            foreach (var key in ServerChecked.Where(k => problems.ContainsKey(k) && !found.ContainsKey(k)))
            {
                if (key != "name" || !string.IsNullOrWhiteSpace(form.Name))
                {
                    found[key] = string.Join(" ", problems[key]);
                }
            }
        }
        errors = found;
    }

    private bool Has(string field) => errors.ContainsKey(field);

    private string? ErrorFor(string field) => errors.GetValueOrDefault(field);

    /// <summary>The unsaved SLO's figures, from the same computation as the saved one's (only the name may still be missing).</summary>
    private async Task RefreshPreviewAsync()
    {
        if (previewCancel is not null)
        {
            await previewCancel.CancelAsync();
            previewCancel.Dispose();
        }
        // A newer change, or leaving the page, cancels this preview.
        previewCancel = CancellationTokenSource.CreateLinkedTokenSource(Aborted);
        var cancel = previewCancel.Token;
        previewError = null;
        var request = form.ToRequest(nameOverride: "preview");
        if (form.Component is not { } component || errors.Keys.Any(k => k is not ("name" or "displayName")) || SloValidation.Validate(request).Count > 0)
        {
            preview = null;
            return;
        }
        previewing = true;
        try
        {
            var slo = new SloDefinition { Name = "", ComponentRef = "", Indicator = "", CreatedBy = "" };
            SloValidation.Apply(request, slo, component);
            await using var db = await DbFactory.CreateDbContextAsync(cancel);
            var now = Time.GetUtcNow();
            var (view, minutes) = await SloQueries.PreviewAsync(db, slo, now, cancel);
            var (start, period) = slo.WindowAt(now);
            var (steps, step) = SloSeries.Sli(minutes, start, SloMath.MinuteOf(now), period, slo.Target);
            cancel.ThrowIfCancellationRequested();
            preview = view;
            previewSteps = steps;
            previewStep = step;
            previewLabels = SloSeries.AllLabels(steps.Select(s => s.At).ToList());
            previewSeries =
            [
                SloSeries.Series("SLI", steps.Select(s => s.Sli is { } v ? (double?)(double)(v * 100) : null)),
                SloSeries.Series("Objective", steps.Select(_ => (double?)(double)(slo.Target * 100))),
            ];
        }
        catch (OperationCanceledException)
        {
            // a newer change started its own preview, or the page was left
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeZoneNotFoundException)
        {
            preview = null;
            previewError = $"The preview could not be computed: {ex.Message}";
        }
        finally
        {
            if (!cancel.IsCancellationRequested)
            {
                previewing = false;
            }
        }
    }

    private async Task SaveAsync()
    {
        busy = true;
        saveError = null;
        try
        {
            var (user, who) = await CurrentUser.GetAsync(AuthState);
            await using var db = await DbFactory.CreateDbContextAsync(Aborted);
            await ValidateAsync(db);
            if (errors.Count > 0 || !form.Complete)
            {
                saveError = "Fix the highlighted fields first.";
                return;
            }
            if (!AccessRules.HasScope(who, PortalScopes.CatalogWrite))
            {
                saveError = "Creating and changing SLOs needs the catalog:write scope.";
                return;
            }
            var outcome = await SloCommands.SaveAsync(db, user, AuditActor.From(user, Client.Ip), Id, form.ToRequest(), Time.GetUtcNow(), Aborted);
            if (outcome.Missing)
            {
                saveError = "This SLO was deleted in the meantime.";
                return;
            }
            if (outcome.Forbidden)
            {
                saveError = $"Only the team that owns {SafeName(form.Component!)} (or a platform admin) may change its SLOs.";
                return;
            }
            if (outcome.Slo is not { } slo)
            {
                errors = SloEditorForm.Worded(outcome.Errors);
                saveError = "Fix the highlighted fields first.";
                return;
            }
            Snackbar.Add($"{slo.DisplayName ?? slo.Name} {(Id is null ? "created" : "saved")}.", Severity.Success);
            Navigation.NavigateTo($"/slos/{slo.Id}");
        }
        catch (DbUpdateException ex)
        {
            saveError = $"The SLO could not be saved: {ex.InnerException?.Message ?? ex.Message}";
        }
        finally
        {
            busy = false;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            previewCancel?.Cancel();
            previewCancel?.Dispose();
        }
        base.Dispose(disposing);
    }
}
