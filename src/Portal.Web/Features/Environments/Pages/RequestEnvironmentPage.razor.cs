using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Web.Components;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Environments.Pages;

/// <summary>The request form: the page loads what the form needs (policy, components, quota) and sends what it holds.</summary>
public partial class RequestEnvironmentPage
{
    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }
    [CascadingParameter] private ClientInfo Client { get; set; } = new(null);
    [SupplyParameterFromQuery(Name = "component")] public string? InitialComponent { get; set; }

    private sealed record ComponentOption(string Ref, string Label, string? Owner);

    private EnvironmentRequestForm? form;
    private List<ComponentOption> components = [];
    private bool busy;

    protected override async Task OnInitializedAsync()
    {
        var (_, who) = await CurrentUser.GetAsync(AuthState);
        await using var db = await DbFactory.CreateDbContextAsync(Cancellation);
        var (_, policy) = await EnvironmentService.LoadPolicyAsync(db, Cancellation);
        var teams = who.Teams.Select(t => t.ToLowerInvariant()).ToList();
        // Orphans included, as before: a component that just vanished from its location can still get an environment.
        var query = CatalogReads.Entities(db).Where(i => i.Kind == CatalogKinds.Component);
        if (!who.IsAdmin)
        {
            query = query.Where(i => i.Owner != null && teams.Contains(i.Owner));
        }
        components = (await query.OrderBy(i => i.Name).Take(2_000).Select(i => new { i.Ref, i.Name, i.Title, i.Owner }).ToListAsync(Cancellation))
            .Select(i => new ComponentOption(i.Ref, string.IsNullOrWhiteSpace(i.Title) ? i.Name : $"{i.Title} ({i.Name})", i.Owner)).ToList();
        var started = new EnvironmentRequestForm(policy);
        started.Start();
        var initial = components.FirstOrDefault(c => InitialComponent is not null
            && (string.Equals(c.Ref, InitialComponent, StringComparison.OrdinalIgnoreCase) || c.Ref.EndsWith("/" + InitialComponent, StringComparison.OrdinalIgnoreCase)));
        if (initial is not null)
        {
            await ChooseAsync(started, initial.Ref);
        }
        form = started;
    }

    private Task ComponentChangedAsync(string value) => ChooseAsync(form!, value);

    /// <summary>Reads the component's facts and its team's usage, then hands them to the form.</summary>
    private async Task ChooseAsync(EnvironmentRequestForm target, string value)
    {
        await using var db = await DbFactory.CreateDbContextAsync(Cancellation);
        var facts = await EnvironmentService.ComponentAsync(db, value, Cancellation);
        var usage = facts?.Owner is { } owner ? await EnvironmentService.UsageAsync(db, owner, null, Cancellation) : new TeamUsage(0, 0, 0);
        target.ChooseComponent(value, facts, usage);
    }

    private async Task SubmitAsync()
    {
        busy = true;
        try
        {
            var (user, _) = await CurrentUser.GetAsync(AuthState);
            var result = await Environments.RequestAsync(user, AuditActor.From(user, Client.Ip), form!.ToRequest(), Cancellation);
            if (result.Environment is { } created)
            {
                Snackbar.Add(created.Status == EnvironmentStatus.PendingApproval ? $"{created.Name} is waiting for approval." : $"{created.Name} is being provisioned.", Severity.Success);
                Navigation.NavigateTo($"/environments/{created.Id}");
                return;
            }
            form.RefusedBy(result.Violations);
            if (result.Denied is not null)
            {
                Snackbar.Add(result.Denied, Severity.Error);
            }
        }
        finally
        {
            busy = false;
        }
    }
}
