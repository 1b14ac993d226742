using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Templates;

public sealed class GitLabPublishOptions
{
    /// <summary>The GitLab REST API (self-hosted: https://host/api/v4); the web address is this without /api/v4.</summary>
    [Required, Url] public string ApiBaseUrl { get; set; } = "https://gitlab.com/api/v4";

    /// <summary>A token (personal, group or project access token) that may create projects; empty turns the GitLab actions off unless a step passes its own <c>token</c>.</summary>
    public string? Token { get; set; }
}
