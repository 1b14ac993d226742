namespace Portal.Web.Features.Templates.Language;

/// <summary>
/// A problem at one place of a template's text (parsing or evaluating). <see cref="At"/> is the offset of the
/// expression at fault and <see cref="Quote"/>, when known, the span of the tag or expression around it, so the message
/// shown can quote the author's own text with its line and column.
/// </summary>
internal sealed class TemplateSyntaxError(string message, int at, SourceSpan? quote = null) : Exception(message)
{
    public int At { get; } = at;

    public SourceSpan? Quote { get; init; } = quote;
}
