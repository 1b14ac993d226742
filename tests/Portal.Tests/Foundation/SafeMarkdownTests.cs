using Portal.Web.Infrastructure.Web;

namespace Portal.Tests.Foundation;

/// <summary>Every link the portal renders from markdown is http(s), mailto or relative; anything else is plain text.</summary>
public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("<javascript:alert(document.cookie)>")]
    [InlineData("<JavaScript:alert(1)>")]
    [InlineData("<vbscript:msgbox(1)>")]
    [InlineData("<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](java&#x09;script:alert(1))")]
    [InlineData("[click](&#106;avascript:alert(1))")]
    [InlineData("[click][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("![img](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)")]
    [InlineData("[click](vbscript:msgbox)")]
    public void Links_with_script_or_data_urls_become_plain_text(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_link_keeps_its_text_once()
    {
        Assert.Equal("<p>see click me and javascript:alert(1)</p>\n", SafeMarkdown.ToHtml("see [click me](javascript:alert(2)) and <javascript:alert(1)>"));
    }

    [Fact]
    public void Web_mail_and_relative_links_stay_links()
    {
        var html = SafeMarkdown.ToHtml("<https://example.com/a> [docs](/docs/x) [m](mailto:a@example.com) <a@example.com> https://example.org");

        Assert.Contains("href=\"https://example.com/a\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/docs/x\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:a@example.com\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_html_is_not_passed_through()
    {
        Assert.DoesNotContain("<script", SafeMarkdown.ToHtml("<script>alert(1)</script>"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://x.example", true)]
    [InlineData("/catalog/component/default/a", true)]
    [InlineData("docs/page.md#a:b", true)]
    [InlineData("file:///srv/repos/a.git", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData(" javascript:alert(1)", false)]
    [InlineData("java\tscript:alert(1)", false)]
    [InlineData("data:text/html,x", false)]
    public void SafeUrl_allows_only_web_mail_and_relative_urls(string url, bool safe)
    {
        Assert.Equal(safe, SafeUrl.IsSafe(url));
        Assert.True(SafeUrl.IsSafe("file:///srv/repos/a.git", allowFile: true));
    }

    [Fact]
    public void Headings_can_be_moved_down_and_relative_links_rewritten_while_unsafe_and_absolute_ones_are_not()
    {
        var html = SafeMarkdown.ToHtml("# Title\n\n###### Deep\n\n[docs](docs/a.md) [web](https://x.example/) [top](/catalog) [here](#part) [bad](javascript:alert(1))",
            headingOffset: 2, relativeLink: url => "/view?path=" + url);

        Assert.Contains("<h3", html, StringComparison.Ordinal);
        Assert.Contains("<h6", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<h1", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/view?path=docs/a.md\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://x.example/\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/catalog\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#part\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.Ordinal);
    }
}
