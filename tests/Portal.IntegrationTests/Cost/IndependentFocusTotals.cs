using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portal.IntegrationTests.Cost;

/// <summary>
/// The test's own reading of a FOCUS CSV file (not the portal's reader): RFC 4180 records, NULL and
/// empty as null, money summed as decimal, and the documented default attribution (tag keys
/// team/owner, service/component/application/app, env/environment; catalog names only). What the
/// import and the reports return is checked against this.
/// </summary>
public sealed class IndependentFocusTotals
{
    public static readonly string[] GroupBys = ["team", "component", "environment", "serviceCategory", "provider", "region", "service", "subAccount"];

    private readonly List<Dictionary<string, string?>> _rows = [];

    public IndependentFocusTotals(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8).TrimStart('\uFEFF');
        var records = Records(text);
        var header = records[0];
        foreach (var record in records.Skip(1).Where(r => r.Count > 1))
        {
            var row = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Count; i++)
            {
                row[header[i]] = record[i] is "" or "NULL" ? null : record[i];
            }
            _rows.Add(row);
        }
    }

    public int Rows => _rows.Count;

    public decimal Billed => _rows.Sum(r => Money(r["BilledCost"]));

    public decimal Effective => _rows.Sum(r => Money(r["EffectiveCost"]));

    /// <summary>Billed and effective cost per key of a report dimension, keys as the portal names them, zero rows left out as the report does.</summary>
    public Dictionary<string, (decimal Billed, decimal Effective)> By(string groupBy, IReadOnlySet<string> teams, IReadOnlyDictionary<string, string?> components)
    {
        var result = new Dictionary<string, (decimal Billed, decimal Effective)>(StringComparer.Ordinal);
        foreach (var r in _rows)
        {
            var key = Key(r, groupBy, teams, components) ?? "(unallocated)";
            var (b, e) = result.GetValueOrDefault(key);
            result[key] = (b + Money(r["BilledCost"]), e + Money(r["EffectiveCost"]));
        }
        return result.Where(kv => kv.Value.Billed != 0 || kv.Value.Effective != 0).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    private static string? Key(Dictionary<string, string?> r, string groupBy, IReadOnlySet<string> teams, IReadOnlyDictionary<string, string?> components)
    {
        string? Col(string name) => r.TryGetValue(name, out var v) ? v : null;
        switch (groupBy)
        {
            case "serviceCategory": return Col("ServiceCategory");
            case "provider": return Col("ServiceProviderName") ?? Col("ProviderName");
            case "region": return Col("RegionId") ?? Col("Region");
            case "service": return Col("ServiceName");
            case "subAccount": return Col("SubAccountId");
        }
        var tags = Tags(Col("Tags"));
        foreach (var (k, v) in Tags(Col("AllocatedTags")))
        {
            tags[k] = v; // a split-cost row belongs to its workload
        }
        string? First(string[] keys, Func<string, string?> accept)
        {
            foreach (var key in keys)
            {
                if (tags.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) && accept(value.Trim().ToLowerInvariant()) is { } found)
                {
                    return found;
                }
            }
            return null;
        }
        var component = First(["service", "component", "application", "app"], v => components.ContainsKey($"component:default/{v}") ? $"component:default/{v}" : null);
        return groupBy switch
        {
            "environment" => First(["env", "environment"], v => v),
            "component" => component,
            "team" => First(["team", "owner"], v => teams.Contains($"group:default/{v}") ? $"group:default/{v}" : null)
                ?? (component is null ? null : components[component]),
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy)),
        };
    }

    private static Dictionary<string, string> Tags(string? json)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (json is null)
        {
            return tags;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    tags[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }
        }
        catch (JsonException)
        {
            // Unreadable tags attribute nothing.
        }
        return tags;
    }

    private static decimal Money(string? value) => value is null ? 0m : decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 records of a whole text (test files are small).</summary>
    public static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case ',': record.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n': record.Add(field.ToString()); field.Clear(); records.Add(record); record = []; break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }
}
