using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Templates;

public sealed class GitHubPublishOptions
{
    /// <summary>The GitHub REST API (GitHub Enterprise: https://host/api/v3).</summary>
    [Required, Url] public string ApiBaseUrl { get; set; } = "https://api.github.com";

    /// <summary>A token that may create repositories; empty turns publish:github off.</summary>
    public string? Token { get; set; }
}
