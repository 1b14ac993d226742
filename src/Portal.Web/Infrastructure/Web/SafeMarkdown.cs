using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Portal.Web.Infrastructure.Web;

/// <summary>
/// Markdown as the portal renders it everywhere (template output, catalog text): raw HTML is not passed through, and
/// every link, image and autolink (<c>&lt;javascript:…&gt;</c> included) whose URL is not <see cref="SafeUrl"/> becomes
/// plain text.
/// </summary>
public static class SafeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().UsePipeTables().UseAutoLinks().Build();

    /// <param name="markdown">The text.</param>
    /// <param name="headingOffset">Levels added to every heading (at most h6), for Markdown shown below a page's own headings.</param>
    /// <param name="relativeLink">Rewrites a relative link or image URL (e.g. a README's <c>docs/x.md</c> to the page showing that file).</param>
    public static string ToHtml(string? markdown, int headingOffset = 0, Func<string, string>? relativeLink = null)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            heading.Level = Math.Min(6, heading.Level + headingOffset);
        }
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!autolink.IsEmail && !SafeUrl.IsSafe(autolink.Url))
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url), copyChildren: false);
            }
        }
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!SafeUrl.IsSafe(link.Url) || link.Reference is { } reference && !SafeUrl.IsSafe(reference.Url))
            {
                link.ReplaceBy(new LiteralInline(TextOf(link)), copyChildren: false);
            }
            else if (relativeLink is not null && link.Url is { Length: > 0 } url && !url.StartsWith('/') && !url.StartsWith('#')
                && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                link.Url = relativeLink(url);
            }
        }
        return document.ToHtml(Pipeline);
    }

    private static string TextOf(ContainerInline container) =>
        string.Concat(container.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
}
