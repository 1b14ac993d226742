using Portal.Web.Features.Identity;

namespace Portal.Tests.Identity;

public sealed class TokenAndRedirectTests
{
    [Fact]
    public void Secrets_are_unique_high_entropy_and_hashed_deterministically()
    {
        var a = ApiTokenSecret.New();
        var b = ApiTokenSecret.New();

        Assert.NotEqual(a, b);
        Assert.StartsWith("ptk_", a, StringComparison.Ordinal);
        Assert.Equal(47, a.Length); // ptk_ + 43 base64url characters = 256 bits
        Assert.Equal(ApiTokenSecret.Hash(a), ApiTokenSecret.Hash(a));
        Assert.Equal(64, ApiTokenSecret.Hash(a).Length);
        Assert.DoesNotContain(a[10..], ApiTokenSecret.Prefix(a), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/catalog?kind=API", "/catalog?kind=API")]
    [InlineData("https://evil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/catalog\r\nSet-Cookie: a=b", "/")]
    [InlineData("/catalog\n", "/")]
    [InlineData("\t/catalog", "/")]
    [InlineData(null, "/")]
    public void Only_local_return_urls_are_followed(string? returnUrl, string expected)
    {
        Assert.Equal(expected, LocalAccounts.SafeReturnUrl(returnUrl));
    }

    [Fact]
    public void Audit_csv_quotes_cells_and_defuses_spreadsheet_formulas()
    {
        var csv = AuditQueries.ToCsv([new AuditView(1, DateTimeOffset.UnixEpoch, "user", "=HYPERLINK(\"x\")", "a,b", "t", "success", null, null)]);

        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", csv, StringComparison.Ordinal);
        Assert.Contains("\"a,b\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void One_time_passwords_always_meet_the_password_rules()
    {
        // 2,000 draws: with a plain random draw about 90 of them would lack a digit.
        for (var i = 0; i < 2_000; i++)
        {
            var password = LocalAccounts.NewOneTimePassword();
            Assert.Equal(20, password.Length);
            Assert.Contains(password, char.IsAsciiDigit);
            Assert.Contains(password, char.IsAsciiLetterLower);
        }
    }
}
