using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Templates.Pages;

namespace Portal.IntegrationTests.Home;

/// <summary>
/// The personal home's cards rendered with bUnit over the real database (issue #24): each card asks its feature's
/// queries for the person in the cascading authentication state, and shows their answer, or an empty state that
/// says why, or nothing at all (approvals for someone who decides nothing).
/// </summary>
public sealed class HomeCardRenderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private BunitContext Context(string userId, string userName, string[] teams, params string[] roles)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton(factory.Services.GetRequiredService<ScaffolderService>());
        var auth = context.AddAuthorization();
        auth.SetAuthorized(userName);
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, userId), .. teams.Select(t => new Claim(PortalClaims.Team, t))]);
        auth.SetRoles(roles);
        return context;
    }

    [Fact]
    public void My_tasks_says_how_to_start_when_there_are_none()
    {
        using var member = Context("bunit-nobody", "nobody", []);
        var tasks = member.Render<MyTasksHomeCard>();
        tasks.WaitForAssertion(() => Assert.Contains("You have run no template yet", tasks.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Empty(tasks.FindAll("[data-testid=home-task]"));
    }
}
