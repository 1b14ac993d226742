using Portal.Web.Data;
using Portal.Web.Features.Incidents;

namespace Portal.Web.Features.Scorecards;

/// <summary>What a draft scorecard would do, without storing anything: how many entities it applies to, at which levels, and the first of them.</summary>
public sealed record ScorecardPreviewResult(int Entities, IReadOnlyList<LevelCount> Distribution, IReadOnlyList<PreviewEntity> Sample, bool Truncated);

public sealed record PreviewEntity(string EntityRef, string? Level, int Passed, int Total);

/// <summary>Evaluates a draft definition over the catalog in memory (the editor's preview); nothing is written.</summary>
public static class ScorecardPreview
{
    public const int SampleSize = 50;

    public static async Task<ScorecardPreviewResult> RunAsync(PortalDbContext db, ScorecardDefinition card, DateTimeOffset now, CancellationToken ct,
        AlertRouting? routing = null)
    {
        var signals = await ScorecardSignals.LoadAsync(db, [card], now, ct, routing);
        var levels = new int[card.Levels.Count + 1];
        var sample = new List<PreviewEntity>();
        var count = 0;
        await foreach (var page in signals.PagesAsync(db, ct))
        {
            foreach (var entity in page)
            {
                if (ScorecardEvaluator.Evaluate(card, entity, now) is not { } outcome)
                {
                    continue;
                }
                count++;
                levels[outcome.LevelIndex + 1]++;
                if (sample.Count < SampleSize)
                {
                    sample.Add(new PreviewEntity(entity.Ref, outcome.Level, outcome.Passed, outcome.Rules.Count));
                }
            }
        }
        var distribution = levels.Select((n, i) => new LevelCount(i == 0 ? null : card.Levels[i - 1], n)).Reverse().ToList();
        return new ScorecardPreviewResult(count, distribution, sample, count > sample.Count);
    }
}
