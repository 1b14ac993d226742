namespace Portal.Web.Features.Environments.Pages;

/// <summary>
/// The environment request form's state and rules, without the page: the fields, the defaults a type brings, the same
/// pure policy evaluation the API runs, which message each field shows, and the <see cref="EnvironmentRequest"/> it sends.
/// </summary>
public sealed class EnvironmentRequestForm(EnvironmentPolicySet policy)
{
    public EnvironmentPolicySet Policy { get; } = policy;
    public string? Component { get; private set; }
    public string? Name { get; private set; }
    public string? Type { get; private set; } = "dev";
    public string? Tier { get; private set; }
    public string? Region { get; private set; }
    public string? Ttl { get; private set; }
    public ComponentFacts? Facts { get; private set; }
    public TeamUsage Usage { get; private set; } = new(0, 0, 0);
    public PolicyOutcome? Outcome { get; private set; }

    /// <summary>The owner of the chosen component (a full group ref), whose quota applies.</summary>
    public string? Owner => Facts?.Owner;

    private Dictionary<string, string> serverErrors = [];

    public TypePolicy? TypePolicy => Type is not null && Policy.Types.TryGetValue(Type, out var t) ? t : null;
    public IEnumerable<string> Regions => TypePolicy?.Regions ?? [];
    public string TtlHelp => TypePolicy is null ? "" : TypePolicy.MaxTtl is null
        ? "Empty: lives until deleted." : $"e.g. 3d, 12h or P3D. Default {TypePolicy.DefaultTtl}, at most {TypePolicy.MaxTtl}.";

    /// <summary>The first tier and region the default type allows.</summary>
    public void Start()
    {
        Tier = TypePolicy?.Tiers.FirstOrDefault();
        Region = Regions.FirstOrDefault();
        Evaluate();
    }

    /// <summary>A component was chosen: its facts and its team's usage; an empty name becomes <c>&lt;component&gt;-&lt;type&gt;</c>.</summary>
    public void ChooseComponent(string value, ComponentFacts? facts, TeamUsage usage)
    {
        Component = value;
        Facts = facts;
        Usage = usage;
        if (string.IsNullOrWhiteSpace(Name) && facts is not null)
        {
            Name = DefaultName(Type);
        }
        Evaluate();
    }

    public void ChangeName(string value) { Name = value; serverErrors.Remove("name"); Evaluate(); }
    public void ChangeTier(string value) { Tier = value; Evaluate(); }
    public void ChangeRegion(string value) { Region = value; Evaluate(); }
    public void ChangeTtl(string value) { Ttl = value; Evaluate(); }

    /// <summary>A type brings its allowed tiers and regions; a name still at its default follows the type.</summary>
    public void ChangeType(string value)
    {
        var previousDefaultName = Facts is null ? null : DefaultName(Type);
        Type = value;
        if (TypePolicy is { } t)
        {
            if (Tier is null || !t.Tiers.Contains(Tier)) { Tier = t.Tiers.FirstOrDefault(); }
            if (Region is null || !t.Regions.Contains(Region)) { Region = t.Regions.FirstOrDefault(); }
        }
        if (Facts is not null && Name == previousDefaultName)
        {
            Name = DefaultName(Type);
        }
        Evaluate();
    }

    /// <summary>What the server refused, per field, shown until the field changes.</summary>
    public void RefusedBy(IEnumerable<PolicyViolation> violations) =>
        serverErrors = violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(v => v.Message)));

    public bool Has(string field) => ErrorFor(field) is not null;

    public string? ErrorFor(string field)
    {
        if (serverErrors.TryGetValue(field, out var server))
        {
            return server;
        }
        // An untouched empty field is not an error yet; the button stays disabled until the form is complete.
        if ((field == "name" && Name is null) || (field == "component" && Component is null))
        {
            return null;
        }
        var messages = Outcome?.Violations.Where(v => v.Field == field).Select(v => v.Message).ToList();
        return messages is { Count: > 0 } ? string.Join(" ", messages) : null;
    }

    /// <summary>The request as the API takes it; an empty time to live means the type's default.</summary>
    public EnvironmentRequest ToRequest() => new(Name, Component, Type, Tier, Region, string.IsNullOrWhiteSpace(Ttl) ? null : Ttl);

    /// <summary>The same pure evaluation the API runs, on every change.</summary>
    private void Evaluate() =>
        Outcome = PolicyEvaluator.Evaluate(Policy, new EnvironmentAsk(Name?.Trim(), Component, Type, Tier, Region, Ttl), Facts, Usage);

    private string DefaultName(string? type) => $"{PolicyEvaluator.NameOf(Facts!.Ref)}-{type}";
}
