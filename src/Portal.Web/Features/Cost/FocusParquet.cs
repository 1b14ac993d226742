using System.Globalization;
using System.Text;
using Parquet;
using Portal.Web.Infrastructure.Csv;

namespace Portal.Web.Features.Cost;

/// <summary>
/// FOCUS exports in Parquet (what AWS Data Exports and others write by default), read one row group
/// at a time and turned into the CSV the importer already understands, so both formats share one
/// set of rules (mandatory columns, nulls, line-numbered errors). Memory is bounded by a row group.
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
        await using (var reader = await ParquetReader.CreateAsync(parquet, null, leaveStreamOpen: true, cancellationToken))
        {
            groups = reader.RowGroupCount;
            names = reader.Schema.GetDataFields().Select(f => f.Name).ToArray();
        }
        await csv.WriteAsync(string.Join(',', names.Select(Quote)) + "\n");
        for (var g = 0; g < groups; g++)
        {
            parquet.Position = 0;
            var result = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(parquet, null, g, cancellationToken);
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

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => Quote(s),
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        float x => x.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    // The CSV goes straight into the portal's FOCUS reader, so values are kept exactly (not defused as in exports).
    private static string Quote(string value) => CsvCell.Quoted(value);
}
