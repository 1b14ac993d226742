using System.Security.Claims;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Templates;

/// <summary>The person a run acts for: their user id and, when they started it with a token, that token's scopes.</summary>
public sealed record RunRequester(string UserId, IReadOnlyCollection<string>? Scopes, Guid TaskId)
{
    /// <summary>Null for a caller that is no person (the bootstrap token, a service token).</summary>
    public static RunRequester? From(ClaimsPrincipal principal)
    {
        var facts = AccessFacts.From(principal);
        return facts.UserId is { Length: > 0 } id ? new RunRequester(id, facts.Scopes?.ToArray(), Guid.Empty) : null;
    }
}
