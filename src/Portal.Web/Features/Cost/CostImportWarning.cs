namespace Portal.Web.Features.Cost;

/// <summary>
/// One kind of problem an import met and worked around, counted: how many rows, the first lines, and
/// what was wrong with the first of them. The rows themselves were imported with all their cost.
/// </summary>
public sealed record CostImportWarning(string Kind, int Count, List<long> FirstLines, string Example);
