namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>A token for git locations on one host, sent as HTTP basic authentication (GitHub, GitLab, Gitea and Bitbucket accept a token this way).</summary>
public sealed class GitCredential
{
    /// <summary>The host name, e.g. <c>github.example.com</c> (exact, case-insensitive).</summary>
    public string Host { get; set; } = "";

    /// <summary>The user name git sends; hosts that only look at the token accept any, e.g. <c>x-access-token</c> or <c>oauth2</c>.</summary>
    public string Username { get; set; } = "x-access-token";
    public string Token { get; set; } = "";
}
