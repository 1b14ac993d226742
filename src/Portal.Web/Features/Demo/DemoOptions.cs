namespace Portal.Web.Features.Demo;

public sealed class DemoOptions
{
    public const string Section = "Portal:Demo";

    /// <summary>Seed the demo organisation on the first embedded start. Never applies in Production.</summary>
    public bool Seed { get; set; } = true;
}
