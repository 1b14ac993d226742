using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Every operation states who may call it, from the endpoint's own authorization metadata (<see cref="ApiAccess"/>):
/// its security requirements with scopes, the 401 and 403 answers that follow, and an "Access:" line for people.
/// Anonymous operations get an empty requirement (<c>security: [{}]</c>), which says "no credentials needed".
/// </summary>
public sealed class SecurityRequirementTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        // The fallback policy closes what names nothing: a signed-in caller.
        var options = ApiAccess.Options(policies.Count == 0 ? [null] : policies, anonymous);
        operation.Security = options.Count == 0
            ? [new OpenApiSecurityRequirement()]
            : [.. options.Select(o => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(o.Scheme, context.Document)] = [.. o.Scopes] })];
        if (anonymous)
        {
            return Task.CompletedTask;
        }
        operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : "\n\n")}{ApiAccess.Sentence(policies.Count == 0 ? [null] : policies)}";
        operation.Responses ??= [];
        // Authentication and authorization answer with an empty body (the token handler adds WWW-Authenticate: Bearer).
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid token or session: sign in, or send `Authorization: Bearer ptk_…`." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The caller is signed in but lacks the role or token scope this operation needs." });
        return Task.CompletedTask;
    }
}
