namespace Portal.Web.Features.Cost;

/// <summary>
/// Adds up a rule preview one charge at a time (pure; the caller streams the line items). A charge counts
/// once per rule even when the rule decides several of its dimensions; "moves" means the dimension the rule
/// decides differs from the charge's current attribution.
/// </summary>
public sealed class RulePreviewTally(IReadOnlyList<CostAllocationRule> rules)
{
    private readonly decimal[] _decides = new decimal[rules.Count];
    private readonly int[] _decidesRows = new int[rules.Count];
    private readonly decimal[] _moves = new decimal[rules.Count];
    private readonly int[] _movesRows = new int[rules.Count];
    private decimal _changed, _unallocatedBefore, _unallocatedAfter, _total;
    private int _changedRows;

    public void Add(Attribution current, RuleDecision proposed, decimal effectiveCost)
    {
        _total += effectiveCost;
        _unallocatedBefore += current.Team is null ? effectiveCost : 0;
        _unallocatedAfter += proposed.Attribution.Team is null ? effectiveCost : 0;
        var next = proposed.Attribution;
        var teamMoves = next.Team != current.Team;
        var componentMoves = next.Component != current.Component;
        var environmentMoves = next.Environment != current.Environment;
        if (teamMoves || componentMoves || environmentMoves)
        {
            _changed += effectiveCost;
            _changedRows++;
        }
        foreach (var rule in new[] { proposed.TeamRule, proposed.ComponentRule, proposed.EnvironmentRule }.OfType<int>().Distinct())
        {
            _decides[rule] += effectiveCost;
            _decidesRows[rule]++;
            var moves = (proposed.TeamRule == rule && teamMoves) || (proposed.ComponentRule == rule && componentMoves) ||
                        (proposed.EnvironmentRule == rule && environmentMoves);
            if (moves)
            {
                _moves[rule] += effectiveCost;
                _movesRows[rule]++;
            }
        }
    }

    public RulePreview Result() => new(
        [.. rules.Select((r, i) => new RuleEffect(i + 1, RuleView.From(r), _decides[i], _decidesRows[i], _moves[i], _movesRows[i]))],
        _changed, _changedRows, _unallocatedBefore, _unallocatedAfter, _total);
}
