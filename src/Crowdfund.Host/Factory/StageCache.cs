using System.Collections.Concurrent;
using Crowdfund.Infrastructure.Factory;

namespace Crowdfund.Host.Factory;

/// <summary>
/// Each campaign's production stages, kept for a few seconds on this silo: the campaign page and every backer's pledge
/// view show them, and during a rush those are read far more often than a factory posts (a few times a month). A stage
/// posted through this silo shows here at once; through another, within <see cref="Lifetime"/>.
/// </summary>
public sealed class StageCache(StageStore stages, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ProductionStage>> GetAsync(string campaignId)
    {
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(campaignId, out var entry) && entry.Until > now) return entry.Stages;
        var read = await stages.ListAsync(campaignId);
        entries[campaignId] = new Entry(read, now + Lifetime);
        return read;
    }

    public void Forget(string campaignId) => entries.TryRemove(campaignId, out _);

    private sealed record Entry(IReadOnlyList<ProductionStage> Stages, DateTimeOffset Until);
}
