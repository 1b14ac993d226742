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

    public static string ToHtml(string? markdown)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
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
        }
        return document.ToHtml(Pipeline);
    }

    private static string TextOf(ContainerInline container) =>
        string.Concat(container.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
}
