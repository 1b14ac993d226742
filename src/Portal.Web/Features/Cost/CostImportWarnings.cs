namespace Portal.Web.Features.Cost;

/// <summary>Counts rows with warnings by kind (a row once per kind), keeping the first lines and the first example of each (bounded memory).</summary>
public sealed class CostImportWarnings
{
    public const int LinesKept = 10;

    private readonly Dictionary<string, (int Count, List<long> Lines, string Example, long Last)> _byKind = new(StringComparer.Ordinal);

    public void Add(long line, FocusRowWarning warning)
    {
        if (_byKind.TryGetValue(warning.Kind, out var seen))
        {
            if (seen.Last == line)
            {
                return; // counted by row: a row with four US dates is one row with US dates
            }
            if (seen.Lines.Count < LinesKept)
            {
                seen.Lines.Add(line);
            }
            _byKind[warning.Kind] = (seen.Count + 1, seen.Lines, seen.Example, line);
            return;
        }
        _byKind[warning.Kind] = (1, [line], $"line {line}: {warning.Message}", line);
    }

    public List<CostImportWarning> ToList() =>
        [.. _byKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new CostImportWarning(k.Key, k.Value.Count, k.Value.Lines, k.Value.Example))];
}
