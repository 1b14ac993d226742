using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Environments;

public sealed class TerraformOptions
{
    /// <summary>The terraform executable (a name on PATH or a path).</summary>
    [Required] public string Binary { get; set; } = "terraform";

    /// <summary>The module every environment is built from; empty means the built-in module shipped with the portal.</summary>
    public string? ModuleDirectory { get; set; }

    public string ResolveModuleDirectory() => string.IsNullOrWhiteSpace(ModuleDirectory)
        ? Path.Combine(AppContext.BaseDirectory, "Features", "Environments", "Drivers", "terraform-module")
        : ModuleDirectory;
}
