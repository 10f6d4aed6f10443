using System.Collections.Concurrent;
using Crowdfund.Infrastructure.Pages;

namespace Crowdfund.Host.Pages;

/// <summary>
/// Counts campaign-page views per campaign, country and day, in memory, and adds them to the database every couple of
/// seconds: a launch's crowd loading the page costs one upsert per country and flush, not a write per view. Nothing
/// about the viewer is kept (no cookie, no address). Views counted since the last flush are lost if the host dies,
/// which a counter of interest can afford.
/// </summary>
internal sealed partial class PageViews(PagesStore store, TimeProvider clock, ILogger<PageViews> logger) : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<(string Campaign, string Country, DateOnly Day), long> pending = new();

    public void Count(string campaign, string country) =>
        pending.AddOrUpdate((campaign, country, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)), 1, (_, n) => n + 1);

    /// <summary>Writes what was counted so far (the tests call it to read their views at once).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        // Each counter is taken out on its own, so a view counted meanwhile lands in the next flush, never nowhere.
        var rows = new List<(string, string, DateOnly, long)>();
        foreach (var key in pending.Keys)
            if (pending.TryRemove(key, out var views)) rows.Add((key.Campaign, key.Country, key.Day, views));
        try
        {
            await store.AddViewsAsync(rows, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Put them back for the next flush rather than lose them to a database restart.
            foreach (var (campaign, country, day, views) in rows) pending.AddOrUpdate((campaign, country, day), views, (_, n) => n + views);
            LogFlushFailed(logger, failure, rows.Count);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        await FlushAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not add {Rows} page-view counters; kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int rows);
}
