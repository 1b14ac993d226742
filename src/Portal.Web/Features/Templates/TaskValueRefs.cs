using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Which of a task's values are catalog refs (an owner picker's <c>group:default/payments</c>), so pages show them by
/// name with the ref on hover. Only the full <c>kind:namespace/name</c> form counts: a bare name could be anything.
/// </summary>
public static partial class TaskValueRefs
{
    public static string? RefOf(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && FullRef().IsMatch(text) ? text.ToLowerInvariant() : null;

    [GeneratedRegex(@"^[a-z]+:[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FullRef();
}
