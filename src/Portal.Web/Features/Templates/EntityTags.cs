using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Backstage's rule for <c>metadata.tags</c> (catalog-model's <c>isValidTag</c>), which the <c>EntityTagsPicker</c> field
/// checks as the person types and the server checks again: a tag the catalog would refuse is refused before anything is made.
/// </summary>
public static partial class EntityTags
{
    public const int MaxLength = 63;

    /// <summary>What the field says under the box, as Backstage's picker does, unless the template gives <c>helperText</c>.</summary>
    public const string Rule = "lower-case letters, digits and ':', '+' or '#', in words joined by single '-', at most 63 characters";

    /// <summary>What a typed tag becomes before it is checked: Backstage's picker trims it and lower-cases it.</summary>
    public static string Normalize(string text) => text.Trim().ToLowerInvariant();

    /// <summary>Why a tag is not valid, or null when it is.</summary>
    public static string? Problem(string tag) =>
        tag.Length == 0 ? "A tag cannot be empty."
        : tag.Length > MaxLength ? $"'{Shorten(tag)}' is longer than {MaxLength} characters."
        : !Pattern().IsMatch(tag) ? $"'{Shorten(tag)}' is not a valid tag: use {Rule}."
        : null;

    // A pasted novel is not echoed back whole.
    private static string Shorten(string tag) => tag.Length <= 80 ? tag : tag[..80] + "…";

    [GeneratedRegex(@"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*\z")]
    private static partial Regex Pattern();
}
