using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Reads FOCUS 1.0–1.2 CSV exports as a stream, one row at a time (a 1 GB file never sits in
/// memory). Accepts what real exports do: the bare word NULL and empty strings for null,
/// timestamps without T/Z (read as UTC), quoted numbers, unknown extra columns (kept).
/// A row that cannot be read is reported by line number and skipped; the rest is imported.
/// </summary>
public sealed class FocusCsvReader
{
    /// <summary>Columns FOCUS 1.0–1.2 require in every export (nullable ones included).</summary>
    public static readonly string[] MandatoryColumns =
    [
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity",
        "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd",
        "BillingAccountId", "BillingCurrency", "ChargeCategory", "ServiceName", "ServiceCategory",
        "ProviderName", "PublisherName", "InvoiceIssuerName",
        "BillingAccountName", "ChargeClass", "ChargeDescription", "PricingUnit",
    ];

    private static readonly string[] Known =
    [
        .. MandatoryColumns, "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType",
        "SubAccountId", "SubAccountName", "Tags",
    ];

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mmZ", "yyyy-MM-dd",
    ];

    private readonly CsvTokenizer _csv;
    private readonly Dictionary<string, int> _index;
    private readonly string[] _extraColumns;

    private FocusCsvReader(CsvTokenizer csv, string[] header)
    {
        _csv = csv;
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            _index.TryAdd(header[i].Trim(), i);
        }
        _extraColumns = header.Where(h => !Known.Contains(h.Trim(), StringComparer.OrdinalIgnoreCase)).ToArray();
    }

    /// <summary>The columns beyond FOCUS's own, kept with each row.</summary>
    public IReadOnlyList<string> ExtraColumns => _extraColumns;

    /// <summary>Opens a reader; returns the missing mandatory columns instead when the header lacks any.</summary>
    public static (FocusCsvReader? Reader, IReadOnlyList<string> Missing) Open(TextReader text)
    {
        var csv = new CsvTokenizer(text);
        string[]? header;
        try
        {
            header = csv.ReadRecord();
        }
        catch (FormatException)
        {
            header = null;
        }
        if (header is null)
        {
            return (null, MandatoryColumns);
        }
        if (header.Length > 0 && header[0].Length > 0 && header[0][0] == '\uFEFF')
        {
            header[0] = header[0][1..];
        }
        var names = header.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = MandatoryColumns.Where(c => !names.Contains(c)).ToList();
        return missing.Count > 0 ? (null, missing) : (new FocusCsvReader(csv, header), []);
    }

    /// <summary>The next row, or an error for a row that cannot be read; null at the end of the file.</summary>
    public (FocusRow? Row, FocusRowError? Error)? Read()
    {
        var line = _csv.NextLine;
        string[]? fields;
        try
        {
            fields = _csv.ReadRecord();
        }
        catch (FormatException ex)
        {
            return (null, new FocusRowError(line, ex.Message));
        }
        if (fields is null)
        {
            return null;
        }
        if (fields.Length == 1 && fields[0].Length == 0)
        {
            return Read(); // a blank line
        }
        if (fields.Length != _index.Count && fields.Length < _index.Values.Max() + 1)
        {
            return (null, new FocusRowError(line, $"has {fields.Length} fields; the header has {_index.Count}."));
        }
        try
        {
            return (Parse(line, fields), null);
        }
        catch (FormatException ex)
        {
            return (null, new FocusRowError(line, ex.Message));
        }
    }

    private FocusRow Parse(long line, string[] f)
    {
        string? Text(string column) => _index.TryGetValue(column, out var i) && i < f.Length ? Null(f[i]) : null;
        string Required(string column) => Text(column) ?? throw new FormatException($"{column} is empty; FOCUS requires a value.");
        decimal Money(string column) => Number(column, Text(column)) ?? throw new FormatException($"{column} is empty; FOCUS requires a number.");
        DateTime Time(string column) => Timestamp(column, Required(column));

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = Text("Tags");
        var allStrings = true;
        var properties = 0;
        if (json is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException("Tags is not a JSON object.");
                }
                foreach (var p in document.RootElement.EnumerateObject())
                {
                    allStrings &= p.Value.ValueKind == JsonValueKind.String;
                    properties++;
                    tags[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }
            catch (JsonException ex)
            {
                throw new FormatException($"Tags is not valid JSON: {ex.Message}");
            }
        }
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in _extraColumns)
        {
            if (Text(column) is { } value)
            {
                extra[column] = value;
            }
        }
        return new FocusRow(line,
            Required("BillingAccountId"), Text("BillingAccountName"), Required("BillingCurrency"),
            Time("BillingPeriodStart"), Time("BillingPeriodEnd"), Time("ChargePeriodStart"), Time("ChargePeriodEnd"),
            Money("BilledCost"), Money("EffectiveCost"), Money("ListCost"), Number("ContractedCost", Text("ContractedCost")),
            Required("ChargeCategory"), Text("ChargeDescription"),
            Required("ProviderName"), Text("PublisherName"), Text("InvoiceIssuerName"),
            Required("ServiceName"), Required("ServiceCategory"),
            Text("RegionId"), Text("RegionName"), Text("ResourceId"), Text("ResourceName"), Text("ResourceType"),
            Text("SubAccountId"), Text("SubAccountName"), tags, extra)
        {
            // Kept verbatim only when it reads back as the same string map (no numbers, no duplicate keys).
            TagsJson = allStrings && tags.Count > 0 && properties == tags.Count ? json : null,
        };
    }

    /// <summary>Real exports write null as the bare word NULL or as an empty string.</summary>
    private static string? Null(string value) => value.Length == 0 || value == "NULL" ? null : value;

    private static decimal? Number(string column, string? value)
    {
        if (value is null)
        {
            return null;
        }
        return decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"{column} '{Clip(value)}' is not a number.");
    }

    public static DateTime Timestamp(string column, string value)
    {
        if (DateTime.TryParseExact(value, TimestampFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return DateTime.SpecifyKind(at, DateTimeKind.Utc);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var offset))
        {
            return offset.UtcDateTime;
        }
        throw new FormatException($"{column} '{Clip(value)}' is not a date-time (expected ISO 8601, e.g. 2024-09-01T00:00:00Z).");
    }

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;
}

/// <summary>RFC 4180 records from a stream: quoted fields, doubled quotes, CRLF or LF, newlines inside quotes.</summary>
internal sealed class CsvTokenizer(TextReader reader)
{
    /// <summary>Longest field accepted: a runaway quote must not swallow the whole file.</summary>
    public const int MaxFieldLength = 1024 * 1024;

    // Reads in blocks: a virtual call per character was the importer's hottest spot.
    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = new(64);
    private int _position;
    private int _length;
    private long _line = 1;

    /// <summary>The physical line the next record starts on.</summary>
    public long NextLine => _line;

    private bool Fill()
    {
        if (_position < _length)
        {
            return true;
        }
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }

    /// <summary>The next record, or null at the end. Synchronous on purpose: the reader is a buffered file reader.</summary>
    public string[]? ReadRecord()
    {
        _fields.Clear();
        _field.Clear();
        var quoted = false;
        var any = false;
        while (true)
        {
            if (!Fill())
            {
                if (quoted)
                {
                    throw new FormatException("A quoted field is not closed before the end of the file.");
                }
                if (!any)
                {
                    return null;
                }
                _fields.Add(_field.ToString());
                return [.. _fields];
            }
            any = true;
            var c = _buffer[_position++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (Fill() && _buffer[_position] == '"')
                    {
                        _position++;
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                    continue;
                }
                if (c == '\n')
                {
                    _line++;
                }
                _field.Append(c);
                if (_field.Length > MaxFieldLength)
                {
                    throw new FormatException($"A field is longer than {MaxFieldLength:N0} characters (an unclosed quote?).");
                }
                continue;
            }
            switch (c)
            {
                case '"' when _field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    _fields.Add(_field.ToString());
                    _field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    _line++;
                    _fields.Add(_field.ToString());
                    return [.. _fields];
                default:
                    _field.Append(c);
                    if (_field.Length > MaxFieldLength)
                    {
                        throw new FormatException($"A field is longer than {MaxFieldLength:N0} characters.");
                    }
                    break;
            }
        }
    }
}
