using Portal.Web.Features.Identity;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>One way to satisfy an operation's access: a security scheme and the token scopes it needs (empty for the cookie).</summary>
public sealed record ApiAccessOption(string Scheme, IReadOnlyList<string> Scopes);

/// <summary>
/// Turns an endpoint's authorization policies into what the OpenAPI document says: the alternatives a caller has
/// (any one suffices) and a sentence for people. Derived from the policy names the route tables use, so the document
/// cannot drift from the code; a policy this does not know fails the document rather than being left out.
/// </summary>
public static class ApiAccess
{
    public const string Bearer = "bearerToken";
    public const string Cookie = "sessionCookie";

    /// <summary>
    /// The alternatives for an endpoint that requires all of <paramref name="policies"/> (null: signed in, any scope).
    /// Empty when the endpoint is anonymous.
    /// </summary>
    public static IReadOnlyList<ApiAccessOption> Options(IReadOnlyCollection<string?> policies, bool anonymous)
    {
        if (anonymous)
        {
            return [];
        }
        // Each policy is a set of alternatives (token scopes, cookie or not); requiring all policies is their product.
        IReadOnlyList<(IReadOnlyList<string> Scopes, bool Cookie)> combined = [([], true)];
        foreach (var policy in policies.Distinct())
        {
            var alternatives = Alternatives(policy);
            combined = [.. combined.SelectMany(c => alternatives.Select(a => (Scopes: (IReadOnlyList<string>)Normalize(c.Scopes.Concat(a.Scopes)), Cookie: c.Cookie && a.Cookie)))];
        }
        var options = combined.Select(c => new ApiAccessOption(Bearer, c.Scopes)).DistinctBy(o => string.Join(' ', o.Scopes)).ToList();
        if (combined.Any(c => c.Cookie))
        {
            options.Add(new ApiAccessOption(Cookie, []));
        }
        return options;
    }

    /// <summary>The sentence the reference page shows, e.g. "Access: scope:catalog:read, scope:catalog:write."</summary>
    public static string Sentence(IReadOnlyCollection<string?> policies) =>
        $"Access: {string.Join(", ", policies.Select(p => p ?? "signed in").Distinct())}.";

    private static List<(IReadOnlyList<string> Scopes, bool Cookie)> Alternatives(string? policy) => policy switch
    {
        null => [([], true)],
        // A token acts as an admin only with the admin scope (and an admin creator); a person needs the admin role.
        PortalPolicies.Admin => [([PortalScopes.Admin], true)],
        PortalPolicies.CatalogRead => [([PortalScopes.CatalogRead], true)],
        PortalPolicies.CatalogWrite => [([PortalScopes.CatalogWrite], true)],
        PortalPolicies.EnvironmentsRead => [([PortalScopes.CatalogRead], true), ([PortalScopes.EnvironmentsWrite], true)],
        PortalPolicies.EnvironmentsWrite => [([PortalScopes.EnvironmentsWrite], true)],
        // A person's session counts only for admins; the scope is issued by admins only.
        PortalPolicies.CostWrite => [([PortalScopes.CostWrite], true)],
        // Metrics come from services with a token, never from a session.
        PortalPolicies.SloIngest => [([PortalScopes.SloIngest], false)],
        // Build and deployment events come from CI with a token; the gate and figures answer readers and that CI token.
        PortalPolicies.DeliveryWrite => [([PortalScopes.DeliveryWrite], false)],
        PortalPolicies.DeliveryRead => [([PortalScopes.CatalogRead], true), ([PortalScopes.DeliveryWrite], true)],
        _ => throw new InvalidOperationException($"The OpenAPI document does not know the policy '{policy}': add it to {nameof(ApiAccess)}."),
    };

    // admin satisfies every scope, so a requirement that includes it needs nothing else.
    private static List<string> Normalize(IEnumerable<string> scopes)
    {
        var distinct = scopes.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Contains(PortalScopes.Admin) ? [PortalScopes.Admin] : [.. distinct.Order(StringComparer.Ordinal)];
    }
}
