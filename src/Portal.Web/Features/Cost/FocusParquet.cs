using System.Globalization;
using System.Text;
using Parquet;
using Portal.Web.Infrastructure.Csv;

namespace Portal.Web.Features.Cost;

/// <summary>
/// FOCUS exports in Parquet (what AWS Data Exports and others write by default), read one row group
/// at a time and turned into the CSV the importer already understands, so both formats share one
/// set of rules (mandatory columns, nulls, line-numbered errors). Memory is bounded by a row group.
/// Layouts providers write: Tags as MAP&lt;string,string&gt; (AWS) or a STRUCT become a JSON object;
/// DECIMAL up to (38,18) is read as a big decimal and written exactly; DOUBLE as its shortest
/// round-trip text; TIMESTAMP (ms/us, INT96) with or without time zone as UTC.
/// </summary>
public static class FocusParquet
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    public static bool IsParquet(ReadOnlySpan<byte> start) => start.Length >= 4 && start[..4].SequenceEqual(Magic);

    /// <summary>Writes the Parquet file's rows as CSV to <paramref name="csv"/> (header first).</summary>
    public static async Task ToCsvAsync(Stream parquet, TextWriter csv, CancellationToken cancellationToken)
    {
        int groups;
        string[] names;
        await using (var reader = await ParquetReader.CreateAsync(parquet, Options, leaveStreamOpen: true, cancellationToken))
        {
            groups = reader.RowGroupCount;
            // Top-level columns: a MAP or STRUCT column is one FOCUS column (Tags), not its leaf fields.
            names = reader.Schema.Fields.Select(f => f.Name).ToArray();
        }
        await csv.WriteAsync(string.Join(',', names.Select(Quote)) + "\n");
        for (var g = 0; g < groups; g++)
        {
            parquet.Position = 0;
            var result = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(parquet, Options, g, cancellationToken);
            var line = new StringBuilder();
            foreach (var row in result.Data)
            {
                line.Clear();
                for (var c = 0; c < names.Length; c++)
                {
                    if (c > 0)
                    {
                        line.Append(',');
                    }
                    line.Append(Format(row.TryGetValue(names[c], out var value) ? value : null));
                }
                line.Append('\n');
                await csv.WriteAsync(line.ToString());
            }
        }
        await csv.FlushAsync(cancellationToken);
    }

    // Big decimals: DECIMAL(38,18) does not always fit System.Decimal's 28 digits, so it is read unscaled and written as text.
    private static readonly ParquetOptions Options = new() { UseBigDecimal = true };

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => Quote(s),
        DateTime d => (d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc))
            .ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        Parquet.Data.BigDecimal b => BigDecimalText(b),
        System.Collections.IDictionary or System.Collections.IEnumerable when ToJsonObject(value) is { } json => Quote(json),
        DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        float x => x.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    /// <summary>The exact decimal text of an unscaled integer and a scale (no rounding, no exponent).</summary>
    private static string BigDecimalText(Parquet.Data.BigDecimal value)
    {
        var digits = System.Numerics.BigInteger.Abs(value.UnscaledValue).ToString(CultureInfo.InvariantCulture);
        var sign = value.UnscaledValue.Sign < 0 ? "-" : "";
        if (value.Scale <= 0)
        {
            return sign + digits;
        }
        digits = digits.PadLeft(value.Scale + 1, '0');
        var text = digits[..^value.Scale] + "." + digits[^value.Scale..];
        return sign + text.TrimEnd('0').TrimEnd('.');
    }

    /// <summary>
    /// A MAP (a dictionary, or a list of key/value entries) or a STRUCT (a dictionary of fields) as a JSON
    /// object of strings, the form FOCUS gives Tags in CSV; null when the value is neither.
    /// </summary>
    private static string? ToJsonObject(object value)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        switch (value)
        {
            case System.Collections.IDictionary dictionary:
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    pairs.Add(new(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "", Scalar(entry.Value)));
                }
                break;
            case System.Collections.IEnumerable items and not byte[]:
                foreach (var item in items)
                {
                    if (item is not System.Collections.IDictionary entry || !entry.Contains("key"))
                    {
                        return null;
                    }
                    pairs.Add(new(Convert.ToString(entry["key"], CultureInfo.InvariantCulture) ?? "", Scalar(entry.Contains("value") ? entry["value"] : null)));
                }
                break;
            default:
                return null;
        }
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (var (k, v) in pairs.Where(p => p.Value is not null))
        {
            json[k] = v;
        }
        return json.ToJsonString();
    }

    private static string? Scalar(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    // The CSV goes straight into the portal's FOCUS reader, so values are kept exactly (not defused as in exports).
    private static string Quote(string value) => CsvCell.Quoted(value);
}
