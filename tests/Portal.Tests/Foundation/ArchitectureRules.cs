using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Portal.Tests.Foundation;

/// <summary>
/// The allowed dependencies between features, as data, and the engine that checks a compiled assembly against them.
/// A type belongs to the feature named by the namespace segment after <see cref="FeaturesNamespace"/>
/// (<c>Portal.Web.Features.Slo.Ingestion.X</c> is Slo); what it references is read from the IL (base types, fields,
/// signatures, attributes, locals and every type, method and field a method body names), so a fully qualified name in
/// a Razor page counts the same as a <c>using</c>. Types outside the features (shell, Infrastructure, Data) are not checked.
/// </summary>
public sealed record ArchitectureRules(string FeaturesNamespace, IReadOnlyList<FeatureRule> Rules, IReadOnlyDictionary<string, string> TableOwners)
{
    /// <summary>Every reference that breaks a rule, as "From.Type -> To.Type (rule)", sorted and distinct.</summary>
    public IReadOnlyList<string> Violations(AssemblyDefinition assembly)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            if (FeatureOf(type) is not { } from)
            {
                continue;
            }
            foreach (var target in ReferencedTypes(type))
            {
                if (FeatureOf(target) is not { } to || to == from)
                {
                    continue;
                }
                var name = OuterMost(target).FullName;
                if (TableOwners.TryGetValue(name, out var owner) && owner != from)
                {
                    found.Add($"{Describe(type)} -> {name} (the tables of {owner} are {owner}'s own)");
                }
                foreach (var rule in Rules.Where(r => r.From == from && r.To == to && !r.Allows(OuterMost(target).Name)))
                {
                    found.Add($"{Describe(type)} -> {name} ({rule.Why})");
                }
            }
        }
        return [.. found];
    }

    private string? FeatureOf(TypeReference type)
    {
        var ns = OuterMost(type).Namespace;
        var prefix = FeaturesNamespace + ".";
        if (!ns.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = ns[prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static TypeReference OuterMost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }
        return type;
    }

    private static string Describe(TypeDefinition type) => OuterMost(type).FullName;

    /// <summary>The types a type names anywhere in its metadata or IL.</summary>
    public static IEnumerable<TypeReference> ReferencedTypes(TypeDefinition type)
    {
        var seen = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                    return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments)
                    {
                        Add(a);
                    }
                    return;
                case TypeSpecification spec:
                    Add(spec.ElementType);
                    return;
                case GenericParameter:
                    return;
                default:
                    seen.Add(t);
                    return;
            }
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (var p in m.Parameters)
            {
                Add(p.ParameterType);
            }
            if (m is GenericInstanceMethod gm)
            {
                foreach (var a in gm.GenericArguments)
                {
                    Add(a);
                }
            }
        }
        void AddAttributes(ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                AddMethod(attribute.Constructor);
                foreach (var argument in attribute.ConstructorArguments.Concat(attribute.Properties.Select(p => p.Argument)))
                {
                    Add(argument.Type);
                    Add(argument.Value as TypeReference);
                }
            }
        }
        Add(type.BaseType);
        foreach (var i in type.Interfaces)
        {
            Add(i.InterfaceType);
        }
        AddAttributes(type);
        foreach (var field in type.Fields)
        {
            Add(field.FieldType);
            AddAttributes(field);
        }
        foreach (var property in type.Properties)
        {
            Add(property.PropertyType);
            AddAttributes(property);
        }
        foreach (var method in type.Methods)
        {
            AddMethod(method);
            AddAttributes(method);
            if (!method.HasBody)
            {
                continue;
            }
            foreach (var local in method.Body.Variables)
            {
                Add(local.VariableType);
            }
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference m:
                        AddMethod(m);
                        break;
                    case FieldReference f:
                        Add(f.DeclaringType);
                        Add(f.FieldType);
                        break;
                    case CallSite site:
                        Add(site.ReturnType);
                        break;
                }
            }
        }
        return seen;
    }
}

/// <summary>
/// <paramref name="From"/> may not reference <paramref name="To"/>, except the types named in <paramref name="Except"/>
/// (the other feature's read surface); <paramref name="Why"/> is what a failure says.
/// </summary>
public sealed record FeatureRule(string From, string To, string Why, params string[] Except)
{
    public bool Allows(string typeName) => Except.Contains(typeName, StringComparer.Ordinal);
}
