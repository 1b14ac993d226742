namespace Portal.Web.Features.Catalog;

/// <summary>The Backstage kinds the catalog knows, in the spelling it stores (kinds compare case-insensitively on the way in).</summary>
public static class CatalogKinds
{
    public const string Component = "Component";
    public const string Api = "API";
    public const string Resource = "Resource";
    public const string System = "System";
    public const string Domain = "Domain";
    public const string Group = "Group";
    public const string User = "User";
    public const string Location = "Location";
    public const string Template = "Template";

    /// <summary>Every known kind, in the order pages list them.</summary>
    public static readonly IReadOnlyList<string> All = [Component, Api, Resource, System, Domain, Group, User, Location, Template];
}
