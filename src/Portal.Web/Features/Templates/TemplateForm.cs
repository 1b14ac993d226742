using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The template form's state without the page: the current page (the review comes after the last), the values with the
/// template's defaults, the per-field errors from <see cref="TemplateParameters"/>' own validation, and the rules for
/// moving on and back. Plain, so it is unit tested without rendering.
/// </summary>
public sealed class TemplateForm(IReadOnlyList<ParameterPage> pages)
{
    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    public IReadOnlyList<ParameterPage> Pages => pages;

    public JsonObject Values { get; } = TemplateParameters.Defaults(pages);

    public IReadOnlyDictionary<string, string> Errors => errors;

    /// <summary>The page shown: 0 to <see cref="ReviewIndex"/>.</summary>
    public int Step { get; private set; }

    /// <summary>The review's index: one past the last page.</summary>
    public int ReviewIndex => pages.Count;

    public bool OnReview => Step >= ReviewIndex;

    public void SetError(string field, string? error)
    {
        if (error is null)
        {
            errors.Remove(field);
        }
        else
        {
            errors[field] = error;
        }
    }

    /// <summary>Moving on checks every field of the page, including ones never touched (a required field left empty).</summary>
    public bool Next()
    {
        if (OnReview)
        {
            return false;
        }
        foreach (var field in pages[Step].Fields)
        {
            SetError(field.Name, TemplateParameters.ValidateField(field, Values[field.Name]));
        }
        if (pages[Step].Fields.Any(f => errors.ContainsKey(f.Name)))
        {
            return false;
        }
        Step++;
        return true;
    }

    public void Back() => Step = Math.Max(0, Step - 1);

    /// <summary>Back to a page already passed; pages ahead are reached only through <see cref="Next"/>.</summary>
    public void GoTo(int index)
    {
        if (index >= 0 && index <= Step)
        {
            Step = index;
        }
    }

    /// <summary>A field's value as the review shows it: a dash when empty, a placeholder for secrets, enum labels.</summary>
    public string Display(ParameterField field)
    {
        var value = Values[field.Name];
        if (TemplateParameters.IsEmpty(value))
        {
            return "—";
        }
        if (field.IsSecret)
        {
            return SecretMasker.Placeholder;
        }
        return value switch
        {
            JsonArray a => string.Join(", ", a.Select(field.LabelOf)),
            _ => field.Enum is { Count: > 0 } ? field.LabelOf(value) : value!.ToString(),
        };
    }
}
