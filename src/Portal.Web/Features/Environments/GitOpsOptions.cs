using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Environments;

public sealed class GitOpsOptions
{
    /// <summary>The GitOps repository; empty means a bare repository the portal creates under the work directory.</summary>
    public string? RepositoryUrl { get; set; }
    [Required] public string Branch { get; set; } = "main";

    /// <summary>The cluster folder: manifests go to clusters/&lt;cluster&gt;/environments/&lt;name&gt;/.</summary>
    [Required, RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] public string Cluster { get; set; } = "local";
    [Required] public string AuthorName { get; set; } = "Portal";
    [Required] public string AuthorEmail { get; set; } = "portal@localhost";

    /// <summary>The cluster role the owning team's group is bound to in its namespace.</summary>
    [Required] public string TeamRole { get; set; } = "edit";
}
