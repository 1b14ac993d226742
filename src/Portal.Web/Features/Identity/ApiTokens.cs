using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

public sealed record CreateTokenRequest(string? Name, ApiTokenKind Kind, string[]? Scopes, string[]? Services, int? ExpiresInDays);

/// <summary>The secret is in this response and nowhere else, ever.</summary>
public sealed record CreatedToken(Guid Id, string Name, string Token, string[] Scopes, DateTimeOffset? ExpiresAt);

public sealed record TokenView(Guid Id, string Name, ApiTokenKind Kind, string Prefix, string[] Scopes, string[] Services,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public static TokenView From(ApiToken t) =>
        new(t.Id, t.Name, t.Kind, t.Prefix, t.Scopes, t.Services, t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.RevokedBy);
}

/// <summary>Creating, listing and revoking API tokens: one implementation for the API and the pages.</summary>
public static class ApiTokens
{
    public const int DefaultExpiryDays = 90;
    public const int MaxExpiryDays = 365;

    public static Dictionary<string, string[]> Validate(CreateTokenRequest request, AccessFacts creator)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100)
        {
            errors["name"] = ["Give the token a name of 1 to 100 characters, e.g. 'ci-pipeline'."];
        }
        var scopes = request.Scopes ?? [];
        if (scopes.Length == 0)
        {
            errors["scopes"] = ["Choose at least one scope."];
        }
        var unknown = scopes.Except(PortalScopes.All, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            errors["scopes"] = [$"Unknown scope(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", PortalScopes.All)}."];
        }
        else
        {
            var beyond = AccessRules.ScopesBeyondCreator(creator, scopes);
            if (beyond.Count > 0)
            {
                errors["scopes"] = [beyond.All(AccessRules.AdminOnlyScopes.Contains)
                    ? $"Only platform admins issue tokens with {string.Join(", ", beyond)}."
                    : $"You cannot grant scope(s) you do not hold: {string.Join(", ", beyond)}."];
            }
        }
        if ((request.Services ?? []).Length > 0 && !scopes.Contains(PortalScopes.SloIngest) && !scopes.Contains(PortalScopes.DeliveryWrite))
        {
            errors["services"] = ["Services can only limit a token with the slo:ingest or delivery:write scope."];
        }
        if (request.ExpiresInDays is < 1 or > MaxExpiryDays)
        {
            errors["expiresInDays"] = [$"Expiry must be between 1 and {MaxExpiryDays} days."];
        }
        if (request.ExpiresInDays is null && request.Kind == ApiTokenKind.Personal)
        {
            errors["expiresInDays"] = ["Personal tokens must expire (at most 365 days)."];
        }
        if (request.Kind == ApiTokenKind.Service && !creator.IsAdmin)
        {
            errors["kind"] = ["Only platform admins create service tokens."];
        }
        return errors;
    }

    public static async Task<CreatedToken> CreateAsync(PortalDbContext db, ClaimsPrincipal creator, AuditActor actor, CreateTokenRequest request,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var secret = ApiTokenSecret.New();
        var token = new ApiToken
        {
            Name = request.Name!.Trim(),
            Kind = request.Kind,
            UserId = request.Kind == ApiTokenKind.Personal ? creator.FindFirstValue(ClaimTypes.NameIdentifier) : null,
            Prefix = ApiTokenSecret.Prefix(secret),
            Hash = ApiTokenSecret.Hash(secret),
            Scopes = request.Scopes!.Distinct().Order().ToArray(),
            Services = (request.Services ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().Order().ToArray(),
            CreatedAt = now,
            CreatedBy = creator.Identity?.Name ?? "unknown",
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiTokens.Add(token);
        AuditLog.Record(db, actor, "identity.token.create", $"token:{token.Id}",
            after: new { token.Name, kind = token.Kind.ToString(), token.Scopes, token.Services, token.ExpiresAt, token.Prefix });
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedToken(token.Id, token.Name, secret, token.Scopes, token.ExpiresAt);
    }

    /// <summary>Own personal tokens; admins see every token.</summary>
    public static IQueryable<ApiToken> Visible(PortalDbContext db, AccessFacts who, bool all) =>
        who.IsAdmin && all ? db.ApiTokens
        : who.UserId is null ? db.ApiTokens.Where(t => false) // a service token owns no tokens
        : db.ApiTokens.Where(t => t.UserId == who.UserId);

    public enum RevokeOutcome { Revoked, NotFound, Forbidden, AlreadyRevoked }

    public static async Task<RevokeOutcome> RevokeAsync(PortalDbContext db, AccessFacts who, AuditActor actor, Guid id, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null)
        {
            return RevokeOutcome.NotFound;
        }
        if (!who.IsAdmin && (token.UserId is null || token.UserId != who.UserId))
        {
            await AuditLog.WriteAsync(db, actor, "identity.token.revoke", $"token:{id}", "denied", cancellationToken);
            return RevokeOutcome.Forbidden;
        }
        if (token.RevokedAt is not null)
        {
            return RevokeOutcome.AlreadyRevoked;
        }
        token.RevokedAt = now;
        token.RevokedBy = actor.Name;
        AuditLog.Record(db, actor, "identity.token.revoke", $"token:{id}", before: new { revokedAt = (DateTimeOffset?)null }, after: new { revokedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return RevokeOutcome.Revoked;
    }
}
