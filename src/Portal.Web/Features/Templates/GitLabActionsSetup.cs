using Portal.Web.Features.Templates.Actions;

namespace Portal.Web.Features.Templates;

/// <summary>The GitLab actions (<c>publish:gitlab</c>, <c>publish:gitlab:merge-request</c>) and their HTTP client, registered apart from the rest.</summary>
public static class GitLabActionsSetup
{
    public static IServiceCollection AddGitLabActions(this IServiceCollection services)
    {
        services.AddOptions<TemplatesOptions>()
            .Validate(o => Uri.TryCreate(o.GitLab.ApiBaseUrl, UriKind.Absolute, out var api) && api.Scheme is "https" or "http",
                "Portal:Templates:GitLab:ApiBaseUrl must be an absolute http(s) URL, e.g. https://gitlab.com/api/v4.");
        services.AddSingleton<IScaffolderAction, PublishGitLabAction>();
        services.AddSingleton<IScaffolderAction, PublishGitLabMergeRequestAction>();
        services.AddHttpClient(GitLabApi.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }
}
