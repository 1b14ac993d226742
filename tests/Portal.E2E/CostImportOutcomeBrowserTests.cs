using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>What the Cost page says about an import that needed help, and a value rule previewed before saving.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class CostImportOutcomeBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task An_admin_sees_a_damaged_files_warnings_and_rejected_cost_and_previews_a_value_rule()
    {
        // The first rows of the FOCUS 1.0 sample after a spreadsheet round trip: Tags lost their quotes (and fall apart at
        // the commas), dates became US dates; line 4 has a cost written with a decimal comma, which cannot be read.
        var sample = File.ReadAllLines(Path.Combine(Portal.TestSupport.SharedTestData.Root, "focus", "focus_sample.csv")).Take(12).ToList();
        var mangled = new StringBuilder(sample[0]).Append('\n');
        for (var i = 1; i < sample.Count; i++)
        {
            var line = System.Text.RegularExpressions.Regex.Replace(sample[i], @"""(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):00""",
                m => $"\"{int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)}/{int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)}/{m.Groups[1].Value} {int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture)}:{m.Groups[5].Value}\"");
            var tagsAt = line.LastIndexOf(",\"{", StringComparison.Ordinal);
            if (tagsAt > 0)
            {
                line = line[..(tagsAt + 1)] + line[(tagsAt + 1)..].Replace("\"", "", StringComparison.Ordinal);
            }
            if (i == 3)
            {
                line = line[..line.IndexOf(',', StringComparison.Ordinal)] + ",\"1,5\"" + line[line.IndexOf(',', line.IndexOf(',', StringComparison.Ordinal) + 1)..];
            }
            mangled.Append(line).Append('\n');
        }
        var path = Path.Combine(Path.GetTempPath(), $"focus-from-excel-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, mangled.ToString());

        await SignInAsync(returnUrl: "/cost");
        await Page.Locator("input[type=file]").SetInputFilesAsync(path);

        var result = Page.GetByTestId("import-result");
        await Expect(result).ToContainTextAsync("rows imported", new() { Timeout = 30_000 });
        await Expect(result).ToContainTextAsync("FOCUS 1.0");
        await Expect(Page.GetByTestId("import-rejected")).ToContainTextAsync("1 row rejected,");
        await Expect(Page.GetByTestId("import-warnings")).ToContainTextAsync("these rows kept all their cost");
        await Expect(result).ToContainTextAsync("Tags not readable (imported unattributed)");
        await Expect(result).ToContainTextAsync("Dates not in ISO 8601");
        await Expect(result).ToContainTextAsync("line 4: BilledCost '1,5' is not a number");
        await ScreenshotAsync("Import_with_warnings");

        await GotoAsync("/cost/rules");
        await Expect(Page.GetByTestId("rules-table")).ToBeVisibleAsync();
        await Page.GetByTestId("rules-preview").ClickAsync();
        await Expect(Page.GetByTestId("rules-preview-summary")).ToContainTextAsync("Nothing is saved yet");
        await Expect(Page.GetByTestId("rule-preview").First).ToContainTextAsync("moves");
        await ScreenshotAsync("Rules_preview");
        File.Delete(path);
        AssertNoConsoleErrors();
    }
}
