using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portal.Web.Features.Cost;

/// <summary>
/// Reads FOCUS CSV exports (1.0-preview, 1.0, 1.1, 1.2, 1.3; the version is told from the header)
/// as a stream, one row at a time (a 1 GB file never sits in memory). Accepts what real exports do:
/// the bare word NULL and empty strings for null, timestamps without T/Z (read as UTC), quoted
/// numbers, unknown extra columns (kept). Money is never dropped for a side issue: unreadable Tags,
/// a spreadsheet's US dates or rounded ids, Tags spread over several cells are imported with a
/// warning. Only a row whose cost or dates cannot be read is rejected, by line number.
/// </summary>
public sealed class FocusCsvReader
{
    /// <summary>Columns FOCUS 1.0–1.2 require in every export (nullable ones included).</summary>
    public static IReadOnlyList<string> MandatoryColumns => FocusSchema.Mandatory10;

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mmZ", "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssK",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
    ];

    // A spreadsheet turns a long numeric id into 1.23457E+12: the digits after the sixth are gone.
    private static readonly System.Text.RegularExpressions.Regex Scientific =
        new(@"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private readonly CsvTokenizer _csv;
    private readonly Dictionary<string, int> _index;
    private readonly string[] _extraColumns;
    private readonly int[] _extraIndexes;
    private readonly int _width;
    private readonly int _tagsColumn;

    // The columns the portal reads, by position in Known; each one's place in the file is looked up once per file, not per row.
    private static readonly string[] Known =
    [
        "AllocatedMethodId",
        "AllocatedResourceId",
        "AllocatedTags",
        "BilledCost",
        "BillingAccountId",
        "BillingAccountName",
        "BillingCurrency",
        "BillingPeriodEnd",
        "BillingPeriodStart",
        "ChargeCategory",
        "ChargeDescription",
        "ChargePeriodEnd",
        "ChargePeriodStart",
        "ContractedCost",
        "EffectiveCost",
        "HostProviderName",
        "InvoiceIssuerName",
        "ListCost",
        "ProviderName",
        "PublisherName",
        "Region",
        "RegionId",
        "RegionName",
        "ResourceId",
        "ResourceName",
        "ResourceType",
        "ServiceCategory",
        "ServiceName",
        "ServiceProviderName",
        "SubAccountId",
        "SubAccountName",
        "Tags"
    ];
    private const int CAllocatedMethodId = 0;
    private const int CAllocatedResourceId = 1;
    private const int CAllocatedTags = 2;
    private const int CBilledCost = 3;
    private const int CBillingAccountId = 4;
    private const int CBillingAccountName = 5;
    private const int CBillingCurrency = 6;
    private const int CBillingPeriodEnd = 7;
    private const int CBillingPeriodStart = 8;
    private const int CChargeCategory = 9;
    private const int CChargeDescription = 10;
    private const int CChargePeriodEnd = 11;
    private const int CChargePeriodStart = 12;
    private const int CContractedCost = 13;
    private const int CEffectiveCost = 14;
    private const int CHostProviderName = 15;
    private const int CInvoiceIssuerName = 16;
    private const int CListCost = 17;
    private const int CProviderName = 18;
    private const int CPublisherName = 19;
    private const int CRegion = 20;
    private const int CRegionId = 21;
    private const int CRegionName = 22;
    private const int CResourceId = 23;
    private const int CResourceName = 24;
    private const int CResourceType = 25;
    private const int CServiceCategory = 26;
    private const int CServiceName = 27;
    private const int CServiceProviderName = 28;
    private const int CSubAccountId = 29;
    private const int CSubAccountName = 30;
    private const int CTags = 31;
    private readonly int[] _positions;

    // Tag sets repeat row after row (every charge of a resource carries the same ones): each distinct valid JSON
    // text is parsed once. Bounded: cleared when full, and only short texts are kept.
    private const int TagCacheEntries = 4_096;
    private const int TagCacheTextLength = 2_048;
    private readonly Dictionary<string, (Dictionary<string, string> Tags, string? Json)> _tagCache = new(StringComparer.Ordinal);

    // Extra columns usually repeat as well (PricingUnit, x_ columns): the previous row's map and JSON are reused when equal.
    private string?[] _lastExtraValues = [];
    private Dictionary<string, string> _lastExtra = new(StringComparer.Ordinal);
    private string _lastExtraJson = "{}";

    private FocusCsvReader(CsvTokenizer csv, string[] header, string version)
    {
        _csv = csv;
        Version = version;
        _width = header.Length;
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            _index.TryAdd(header[i].Trim(), i);
        }
        _tagsColumn = _index.TryGetValue("Tags", out var t) ? t : -1;
        _extraColumns = header.Where(h => !FocusSchema.Stored.Contains(h.Trim(), StringComparer.OrdinalIgnoreCase)).ToArray();
        _extraIndexes = _extraColumns.Select(c => _index[c.Trim()]).ToArray();
        _positions = Known.Select(c => _index.TryGetValue(c, out var i) ? i : -1).ToArray();
    }

    /// <summary>Whether the header has a column (case-insensitive): the importer leaves out of its COPY the ones no row can fill.</summary>
    public bool HasColumn(string column) => _index.ContainsKey(column);

    /// <summary>The FOCUS version the header is written in (see <see cref="FocusSchema.DetectVersion"/>).</summary>
    public string Version { get; }

    /// <summary>The columns beyond the ones the portal stores, kept with each row.</summary>
    public IReadOnlyList<string> ExtraColumns => _extraColumns;

    /// <summary>Opens a reader; returns the missing mandatory columns instead when the header lacks any.</summary>
    public static (FocusCsvReader? Reader, IReadOnlyList<string> Missing) Open(TextReader text)
    {
        var opened = OpenDetailed(text);
        return (opened.Reader, opened.Missing);
    }

    /// <summary>Opens a reader, or says why not: a native (non-FOCUS) export, or the mandatory columns of the header's version it lacks.</summary>
    public static FocusOpenResult OpenDetailed(TextReader text)
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
            return new FocusOpenResult(null, FocusSchema.V10, FocusSchema.Mandatory10, null);
        }
        if (header.Length > 0 && header[0].Length > 0 && header[0][0] == '\uFEFF')
        {
            header[0] = header[0][1..];
        }
        if (FocusSchema.DetectNative(header) is { } native)
        {
            return new FocusOpenResult(null, null, [], native);
        }
        var version = FocusSchema.DetectVersion(header);
        var missing = FocusSchema.Missing(version, header);
        return missing.Count > 0 ? new FocusOpenResult(null, version, missing, null) : new FocusOpenResult(new FocusCsvReader(csv, header, version), version, [], null);
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
        var warnings = new List<FocusRowWarning>();
        fields = Reshape(fields, warnings);
        if (fields.Length != _width)
        {
            return (null, new FocusRowError(line, $"has {fields.Length} fields; the header has {_width}.", TryMoney(fields, "BilledCost"), TryMoney(fields, "EffectiveCost")));
        }
        try
        {
            return (Parse(line, fields, warnings), null);
        }
        catch (FormatException ex)
        {
            return (null, new FocusRowError(line, ex.Message, TryMoney(fields, "BilledCost"), TryMoney(fields, "EffectiveCost")));
        }
    }

    /// <summary>
    /// A row with more cells than the header usually had its Tags JSON split at the commas by a spreadsheet
    /// that dropped the quotes: the surplus cells are joined back into Tags (the other columns then line up
    /// again). A row with fewer cells lost its trailing empty cells; they are read as null.
    /// </summary>
    private string[] Reshape(string[] fields, List<FocusRowWarning> warnings)
    {
        if (fields.Length > _width && _tagsColumn >= 0)
        {
            var surplus = fields.Length - _width;
            var joined = string.Join(',', fields, _tagsColumn, surplus + 1);
            warnings.Add(new FocusRowWarning("tags-split", $"Tags was spread over {surplus + 1} cells (quotes lost in a spreadsheet?); they were joined back: '{Clip(joined)}'."));
            return [.. fields[.._tagsColumn], joined, .. fields[(_tagsColumn + surplus + 1)..]];
        }
        if (fields.Length < _width)
        {
            warnings.Add(new FocusRowWarning("short-row", $"has {fields.Length} fields; the header has {_width}. The missing trailing fields were read as null."));
            return [.. fields, .. Enumerable.Repeat("", _width - fields.Length)];
        }
        return fields;
    }

    private decimal? TryMoney(string[] f, string column) =>
        _index.TryGetValue(column, out var i) && i < f.Length && Null(f[i]) is { } v &&
        decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null;

    private FocusRow Parse(long line, string[] f, List<FocusRowWarning> warnings)
    {
        string? Text(int column) => _positions[column] is var i && i >= 0 && i < f.Length ? Null(f[i]) : null;
        string Required(int column) => Text(column) ?? throw new FormatException($"{Known[column]} is empty; FOCUS requires a value.");
        decimal Money(int column) => Number(Known[column], Text(column)) ?? throw new FormatException($"{Known[column]} is empty; FOCUS requires a number.");
        DateTime Time(int column)
        {
            var (at, iso) = ReadTimestamp(Known[column], Required(column));
            if (!iso)
            {
                warnings.Add(new FocusRowWarning("non-iso-date", $"{Known[column]} '{Clip(Text(column)!)}' is not ISO 8601; it was read as {at:yyyy-MM-dd HH:mm} UTC (month/day/year)."));
            }
            return at;
        }
        string? Id(int column)
        {
            var value = Text(column);
            // The regular expression only runs on values with an exponent letter in them (almost none).
            if (value is not null && value.AsSpan().IndexOfAny('e', 'E') >= 0 && Scientific.IsMatch(value))
            {
                warnings.Add(new FocusRowWarning("scientific-notation-id",
                    $"{Known[column]} '{value}' looks like a number a spreadsheet rounded; the original id is lost (kept as written). Re-export from the provider."));
            }
            return value;
        }

        var (tags, tagsJson) = CachedTags("Tags", Text(CTags), warnings);
        var (allocatedTags, _) = CachedTags("AllocatedTags", Text(CAllocatedTags), warnings);
        var (extra, extraJson) = Extra(f);
        var region = Text(CRegionId) ?? Text(CRegion);
        // 1.3 names the seller ServiceProviderName (ProviderName is deprecated); either may be the one filled.
        var provider = Text(CServiceProviderName) ?? Text(CProviderName) ?? throw new FormatException(
            Version == FocusSchema.V13 ? "ServiceProviderName is empty; FOCUS requires a value." : "ProviderName is empty; FOCUS requires a value.");
        return new FocusRow(line,
            Id(CBillingAccountId) ?? throw new FormatException("BillingAccountId is empty; FOCUS requires a value."), Text(CBillingAccountName), Required(CBillingCurrency),
            Time(CBillingPeriodStart), Time(CBillingPeriodEnd), Time(CChargePeriodStart), Time(CChargePeriodEnd),
            Money(CBilledCost), Money(CEffectiveCost), Money(CListCost), Number("ContractedCost", Text(CContractedCost)),
            Required(CChargeCategory), Text(CChargeDescription),
            provider, Text(CPublisherName), Text(CInvoiceIssuerName),
            Required(CServiceName), Required(CServiceCategory),
            region, Text(CRegionName) ?? Text(CRegion), Id(CResourceId), Text(CResourceName), Text(CResourceType),
            Id(CSubAccountId), Text(CSubAccountName), tags, extra)
        {
            TagsJson = tagsJson,
            ExtraJson = extraJson,
            HostProviderName = Text(CHostProviderName),
            AllocatedMethodId = Text(CAllocatedMethodId),
            AllocatedResourceId = Text(CAllocatedResourceId),
            AllocatedTags = allocatedTags,
            Warnings = warnings,
        };
    }

    /// <summary>The extra columns' non-null values as a map and its JSON; the previous row's when they are the same.</summary>
    private (Dictionary<string, string> Extra, string Json) Extra(string[] f)
    {
        var same = _lastExtraValues.Length == _extraIndexes.Length;
        for (var k = 0; same && k < _extraIndexes.Length; k++)
        {
            var i = _extraIndexes[k];
            same = string.Equals(i < f.Length ? Null(f[i]) : null, _lastExtraValues[k], StringComparison.Ordinal);
        }
        if (same)
        {
            return (_lastExtra, _lastExtraJson);
        }
        var values = new string?[_extraIndexes.Length];
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var k = 0; k < _extraIndexes.Length; k++)
        {
            var i = _extraIndexes[k];
            values[k] = i < f.Length ? Null(f[i]) : null;
            if (values[k] is { } value)
            {
                extra[_extraColumns[k]] = value;
            }
        }
        (_lastExtraValues, _lastExtra, _lastExtraJson) = (values, extra, JsonSerializer.Serialize(extra));
        return (extra, _lastExtraJson);
    }

    /// <summary><see cref="ReadTags"/> through the cache of readable tag texts (a text that gave a warning is read again, so each row gets its warning).</summary>
    private (Dictionary<string, string> Tags, string? Json) CachedTags(string column, string? json, List<FocusRowWarning> warnings)
    {
        if (json is null || json.Length > TagCacheTextLength)
        {
            return ReadTags(column, json, warnings);
        }
        if (_tagCache.TryGetValue(json, out var known))
        {
            return known;
        }
        var before = warnings.Count;
        var read = ReadTags(column, json, warnings);
        if (warnings.Count == before)
        {
            if (_tagCache.Count >= TagCacheEntries)
            {
                _tagCache.Clear();
            }
            _tagCache[json] = read;
        }
        return read;
    }

    /// <summary>
    /// A Tags-style column as a string map. Text that is not a JSON object gives no tags and a warning
    /// (the row keeps its cost and stays unattributed); the JSON is kept verbatim when it reads back as the same map.
    /// </summary>
    private static (Dictionary<string, string> Tags, string? Json) ReadTags(string column, string? json, List<FocusRowWarning> warnings)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is null)
        {
            return (tags, null);
        }
        var allStrings = true;
        var properties = 0;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                warnings.Add(new FocusRowWarning("tags-unreadable", $"{column} is not a JSON object ('{Clip(json)}'); the row is imported without tags."));
                return (tags, null);
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
            warnings.Add(new FocusRowWarning("tags-unreadable", $"{column} is not valid JSON ('{Clip(json)}': {ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ')}); the row is imported without tags."));
            return ([], null);
        }
        // Kept verbatim only when it reads back as the same string map (no numbers, no duplicate keys).
        return (tags, allStrings && tags.Count > 0 && properties == tags.Count ? json : null);
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

    public static DateTime Timestamp(string column, string value) => ReadTimestamp(column, value).At;

    /// <summary>A UTC date-time, and whether it was written the ISO 8601 way (anything else is read as invariant month/day/year).</summary>
    public static (DateTime At, bool Iso) ReadTimestamp(string column, string value)
    {
        if (FastIso(value) is { } fast)
        {
            return (fast, true);
        }
        if (DateTime.TryParseExact(value, IsoFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return (DateTime.SpecifyKind(at, DateTimeKind.Utc), true);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var offset))
        {
            return (offset.UtcDateTime, false);
        }
        throw new FormatException($"{column} '{Clip(value)}' is not a date-time (expected ISO 8601, e.g. 2024-09-01T00:00:00Z).");
    }

    /// <summary>
    /// The two layouts nearly every export uses, <c>2024-09-01T00:00:00Z</c> and <c>2024-09-01 00:00:00</c>, read without
    /// the general parser (it tries ten formats per value); anything else, or an impossible date, takes the general path.
    /// </summary>
    private static DateTime? FastIso(string value)
    {
        var s = value.AsSpan();
        if (!(s.Length == 20 && s[10] == 'T' && s[19] == 'Z') && !(s.Length == 19 && s[10] == ' '))
        {
            return null;
        }
        if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':')
        {
            return null;
        }
        static int Two(ReadOnlySpan<char> s, int at) => s[at] is >= '0' and <= '9' && s[at + 1] is >= '0' and <= '9' ? (s[at] - '0') * 10 + (s[at + 1] - '0') : -1;
        int century = Two(s, 0), year = Two(s, 2), month = Two(s, 5), day = Two(s, 8), hour = Two(s, 11), minute = Two(s, 14), second = Two(s, 17);
        if (century < 0 || year < 0 || month is < 1 or > 12 || day < 1 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return null;
        }
        year += century * 100;
        return year >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc) : null;
    }

    private static string Clip(string value) => value.Length > 60 ? value[..60] + "…" : value;
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
            // Plain characters are copied a run at a time up to the next one that means something (a vectorised search).
            var rest = _buffer.AsSpan(_position, _length - _position);
            var run = quoted ? rest.IndexOfAny('"', '\n') : rest.IndexOfAny(Special);
            if (run != 0)
            {
                var plain = run < 0 ? rest : rest[..run];
                _field.Append(plain);
                _position += plain.Length;
                if (_field.Length > MaxFieldLength)
                {
                    throw new FormatException(quoted ? $"A field is longer than {MaxFieldLength:N0} characters (an unclosed quote?)."
                        : $"A field is longer than {MaxFieldLength:N0} characters.");
                }
                continue;
            }
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
                // A newline inside quotes is part of the field.
                _line++;
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
                case '"':
                    _field.Append(c);
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
            }
        }
    }

    private static readonly System.Buffers.SearchValues<char> Special = System.Buffers.SearchValues.Create("\",\r\n");
}
