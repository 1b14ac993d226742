using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Identity;

/// <summary>
/// A Blazor circuit keeps the principal it started with; this re-checks its session stamp every
/// <see cref="PortalIdentityOptions.SessionCheckSeconds"/>, so a disabled person's open pages sign out too.
/// </summary>
public sealed class PortalAuthenticationStateProvider(ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptionsMonitor<PortalIdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(options.CurrentValue.SessionCheckSeconds);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SessionStamps>().IsCurrentAsync(authenticationState.User, cancellationToken);
    }
}
