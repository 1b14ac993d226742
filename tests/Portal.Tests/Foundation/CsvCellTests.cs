using Portal.Web.Infrastructure.Csv;

namespace Portal.Tests.Foundation;

public sealed class CsvCellTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1+cmd", "\"'+1+cmd\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=1", "\"'\t=1\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("  =1", "\"'  =1\"")]
    [InlineData("payments, team", "\"payments, team\"")]
    [InlineData("a=b", "\"a=b\"")]
    [InlineData("", "\"\"")]
    [InlineData(null, "\"\"")]
    public void Text_cells_are_quoted_and_formulas_defused(string? value, string expected) => Assert.Equal(expected, CsvCell.Text(value));

    [Fact]
    public void Numbers_keep_their_sign_and_use_the_invariant_culture()
    {
        Assert.Equal("-5.00", CsvCell.Number(-5.00m));
        Assert.Equal("1234.5", CsvCell.Number(1234.5m));
        Assert.Equal("", CsvCell.Number(null));
    }

    [Fact]
    public void Machine_read_values_are_quoted_but_kept() => Assert.Equal("\"=1+\"\"2\"\"\"", CsvCell.Quoted("=1+\"2\""));
}
