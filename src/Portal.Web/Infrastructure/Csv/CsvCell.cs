using System.Globalization;

namespace Portal.Web.Infrastructure.Csv;

/// <summary>
/// Cells of the CSV files the portal writes (RFC 4180): every CSV writer goes through here. Files for
/// people (exports a spreadsheet opens) use <see cref="Text"/>, which defuses formulas as OWASP advises;
/// files that only the portal's own FOCUS reader reads back use <see cref="Quoted"/>, which keeps the value.
/// </summary>
public static class CsvCell
{
    /// <summary>
    /// A text cell for a spreadsheet: a value that starts (after any spaces) with <c>= + - @</c>, a tab, CR or LF
    /// would run as a formula (<c>=HYPERLINK(...)</c>, DDE), so it gets a leading single quote, which spreadsheets
    /// show as text. Always quoted, so separators and line breaks stay inside the cell.
    /// </summary>
    public static string Text(string? value)
    {
        value ??= "";
        var first = value.TrimStart(' ');
        return Quoted(first.Length > 0 && "=+-@\t\r\n".Contains(first[0], StringComparison.Ordinal) ? "'" + value : value);
    }

    /// <summary>
    /// A number the portal computed: written as is (invariant culture), never defused. It cannot carry text, and a
    /// negative amount must stay a number for the spreadsheet to add it up, so "-12.50" keeps its minus sign.
    /// </summary>
    public static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>An RFC 4180 quoted value, unchanged otherwise: for machine-read files, never for exports.</summary>
    public static string Quoted(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
