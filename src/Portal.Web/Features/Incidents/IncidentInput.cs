namespace Portal.Web.Features.Incidents;

/// <summary>
/// What a person may write on an incident, checked the same way for the API and the page: comments, a declared
/// incident's title, severity and summary, and the commander's name. Each check returns why the input is refused, or
/// null when it is fine. Pure.
/// </summary>
public static class IncidentInput
{
    /// <summary>A comment's limit (the timeline's text column holds 4,000 characters).</summary>
    public const int MaxComment = 4000;

    /// <summary>A declared incident's title and summary limits (the summary opens the timeline, so it shares the comment's limit).</summary>
    public const int MaxTitle = 200, MaxSummary = MaxComment;

    /// <summary>The severities a person can declare, as alerts have them.</summary>
    public static readonly string[] Severities = ["page", "ticket"];

    public static string? CommentProblem(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "The comment is empty."
        : text.Length > MaxComment ? $"A comment is at most {MaxComment:N0} characters (this one has {text.Length:N0})."
        : null;

    /// <summary>Why a declaration is refused, by field (empty when it is fine).</summary>
    public static Dictionary<string, string[]> DeclareProblems(string? component, string? title, string? severity, string? summary)
    {
        var problems = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(component))
        {
            problems["component"] = ["component is the component's ref, e.g. component:default/payment-gateway."];
        }
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > MaxTitle)
        {
            problems["title"] = [$"title is 1-{MaxTitle} characters."];
        }
        if (severity is null || !Severities.Contains(severity))
        {
            problems["severity"] = [$"severity is one of {string.Join(", ", Severities)}."];
        }
        if (summary is { Length: > MaxSummary })
        {
            problems["summary"] = [$"summary is at most {MaxSummary:N0} characters."];
        }
        return problems;
    }

    /// <summary>A user given as a name (<c>ana.silva</c>) or a ref (<c>user:default/ana.silva</c>) as the user's name, lower-case; null when it is neither.</summary>
    public static string? UserName(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return null;
        }
        var value = user.Trim().ToLowerInvariant();
        if (value.StartsWith("user:", StringComparison.Ordinal))
        {
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            value = slash < 0 ? value[5..] : value[(slash + 1)..];
        }
        return value.Length is > 0 and <= 200 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') ? value : null;
    }
}
