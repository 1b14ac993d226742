using System.Text;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;
using Newtonsoft.Json.Linq;

namespace Portal.E2E;

/// <summary>One rule broken on one page in one theme: what a person reads when a browser test fails on accessibility.</summary>
public sealed record AxeFinding(string Path, string Theme, string State, string Rule, string? Impact, string Help, string HelpUrl,
    IReadOnlyList<string> Targets)
{
    public override string ToString()
    {
        var text = new StringBuilder()
            .Append(Path).Append(" [").Append(Theme).Append(", ").Append(State).Append("] ")
            .Append(Rule).Append(" (").Append(Impact ?? "no impact given").Append("): ").Append(Help).Append(" — ").Append(HelpUrl);
        foreach (var target in Targets)
        {
            text.Append("\n      ").Append(target);
        }
        return text.ToString();
    }
}

/// <summary>
/// Runs axe-core (the copy bundled in the Deque.AxeCore packages, not a CDN) with the WCAG 2.0 and 2.1 level A and AA
/// rules: the portal's target is WCAG 2.1 AA (docs/accessibility.md).
/// </summary>
/// <remarks>
/// axe runs in the page itself (<c>axe.run(document, …)</c>), injected once per document. Deque's <c>page.RunAxe</c> does the
/// same checks but evaluates the whole axe script (half a megabyte) twice per scan and opens and closes a browser page to
/// merge per-frame results, which only matters for cross-origin iframes; the portal has no iframes. With a few hundred
/// scans in a run, that overhead was minutes of CI time.
/// </remarks>
public static class AxeScan
{
    public static readonly IReadOnlyList<string> Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>A scan takes under half a second; a minute means it never finished.</summary>
    private static readonly TimeSpan ScanTimeout = TimeSpan.FromMinutes(1);

    private static readonly Lazy<string> Source = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>
    /// Only violations are read; leaving out passes and inapplicable rules keeps each scan quick. The result comes back as
    /// JSON text, read by the same <see cref="AxeResult"/> Deque's runner returns.
    /// </summary>
    private const string Run = """
        async tags => JSON.stringify(await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }))
        """;

    public static async Task<IReadOnlyList<AxeFinding>> ScanAsync(IPage page, string theme, string state)
    {
        var path = new Uri(page.Url).PathAndQuery;
        // Playwright gives page.evaluate no timeout; a scan that never settles must fail this test, not hold up the whole run.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'").WaitAsync(ScanTimeout))
        {
            await page.EvaluateAsync($"() => {{ {Source.Value}\n}}").WaitAsync(ScanTimeout);
        }
        var json = await page.EvaluateAsync<string>(Run, Tags.ToArray()).WaitAsync(ScanTimeout);
        var result = new AxeResult(JObject.Parse(json));
        return [.. result.Violations.Select(v => new AxeFinding(path, theme, state, v.Id, v.Impact, v.Help, v.HelpUrl,
            [.. v.Nodes.Select(Describe)]))];
    }

    /// <summary>The failing element's selector and axe's first reason, e.g. its measured contrast ratio.</summary>
    private static string Describe(AxeResultNode node)
    {
        var reason = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message).FirstOrDefault(m => !string.IsNullOrEmpty(m));
        // Blazor's element references make selectors like button[_bl_…]: the start of the element's HTML says which one it is.
        var html = node.Html is { Length: > 160 } text ? text[..160] + "…" : node.Html;
        return $"{node.Target} {html}" + (reason is null ? "" : $" — {reason}");
    }

    /// <summary>The list a failing test prints: one block per rule, with its selectors and help link.</summary>
    public static string Report(IReadOnlyCollection<AxeFinding> findings) =>
        $"{findings.Count} accessibility violation(s) on {findings.Sum(f => f.Targets.Count)} element(s), WCAG tags {string.Join(", ", Tags)}:\n  "
        + string.Join("\n  ", findings);
}
