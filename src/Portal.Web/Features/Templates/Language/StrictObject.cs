namespace Portal.Web.Features.Templates.Language;

/// <summary>
/// An object whose missing members are not silently empty: <see cref="OnMissing"/> decides (throw with a message that
/// names what exists, or log a warning and give a documented value). Used for <c>steps</c> and <c>secrets</c>.
/// </summary>
public sealed class StrictObject(IReadOnlyDictionary<string, object?> members, Func<string, object?> onMissing)
{
    public IReadOnlyDictionary<string, object?> Members { get; } = members;

    public Func<string, object?> OnMissing { get; } = onMissing;

    public object? Get(string key) => Members.TryGetValue(key, out var value) ? value : OnMissing(key);
}
