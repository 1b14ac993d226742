namespace Portal.Web.Features.Catalog;

/// <summary>A Backstage entity reference <c>[kind:][namespace/]name</c>, compared case-insensitively.</summary>
public readonly record struct EntityRef(string Kind, string Namespace, string Name)
{
    public const string DefaultNamespace = "default";

    /// <summary>
    /// Parses a reference, filling in the kind and namespace the referring field implies
    /// (e.g. <c>owner</c> defaults to Group and the referring entity's namespace).
    /// </summary>
    public static EntityRef Parse(string reference, string? defaultKind = null, string defaultNamespace = DefaultNamespace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var text = reference.Trim();
        string? kind = defaultKind;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            kind = text[..colon];
            text = text[(colon + 1)..];
        }
        var ns = defaultNamespace;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            ns = text[..slash];
            text = text[(slash + 1)..];
        }
        if (string.IsNullOrEmpty(kind))
        {
            throw new FormatException($"Entity reference '{reference}' has no kind and the field has no default kind.");
        }
        if (text.Length == 0)
        {
            throw new FormatException($"Entity reference '{reference}' has no name.");
        }
        return new EntityRef(kind, ns, text);
    }

    /// <summary>The canonical, lower-case form used as the identity key.</summary>
    public override string ToString() =>
        $"{Kind.ToLowerInvariant()}:{Namespace.ToLowerInvariant()}/{Name.ToLowerInvariant()}";

    /// <summary>The entity's page in the portal.</summary>
    public string PagePath =>
        $"/catalog/{Uri.EscapeDataString(Kind.ToLowerInvariant())}/{Uri.EscapeDataString(Namespace)}/{Uri.EscapeDataString(Name)}";

    /// <summary>Short form for display: the namespace is left out when it is <c>default</c>.</summary>
    public string ToDisplayString() =>
        string.Equals(Namespace, DefaultNamespace, StringComparison.OrdinalIgnoreCase) ? Name : $"{Namespace}/{Name}";
}
