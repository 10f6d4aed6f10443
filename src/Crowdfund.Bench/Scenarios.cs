using System.Diagnostics;

namespace Crowdfund.Bench;

/// <summary>One measured run: what wrk saw, what the box did, and which checks failed.</summary>
internal sealed record Run(string Scenario, int Clients, WrkResult Wrk, CpuMeter.Share Cpu, IReadOnlyList<string> Failures,
    PathStats? Path = null, double? SelloutSeconds = null, double? RefusalsPerSecondAfter = null);

/// <summary>The scenarios of the launch-rush benchmark, each one wrk run followed by its checks.</summary>
internal sealed class Scenarios(string baseUrl, string script, string bodyFile, string teamKey, TimeSpan duration,
    Team team, Truth truth, CpuMeter cpu)
{
    // Unique per process, so the benchmark also runs on a database that has seen earlier runs.
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];
    // Each hot-tier run pledges on a campaign of its own, since a tier holds at most 1,000,000 rewards
    // (Limits.MaxTierRewards) and a full benchmark makes more pledges than that; the dashboard scenario reads the
    // latest of them, a campaign busy with a rush as in the runs before this limit existed.
    private static readonly string HotSlug = $"bench-hot-{RunId}";
    private static string lastHot = HotSlug;
    private const string TierId = "early";
    private const int HotLimit = 1_000_000;
    private static readonly string BaselineTier = $"bench-baseline-{RunId}";
    private const int Unlimited = 100_000_000;
    // Shared by every instance: run names must never repeat, or idempotency keys would replay.
    private static int runs;
    private static int hotCampaigns;

    public async Task PrepareAsync()
    {
        await team.LaunchAsync(HotSlug, TierId, HotLimit);
        await team.CreateBaselineTierAsync(BaselineTier, Unlimited);
    }

    public Task<Run> NoopPostAsync(int clients) =>
        MeasureAsync("no-op POST", clients, "/bench/noop", "post", _ => Task.FromResult<List<string>>([]));

    public Task<Run> NoopGetAsync(int clients) =>
        MeasureAsync("no-op GET", clients, "/bench/noop", "get", _ => Task.FromResult<List<string>>([]));

    public Task<Run> DashboardAsync(int clients) =>
        MeasureAsync("dashboard GET", clients, $"/team/v1/campaigns/{Volatile.Read(ref lastHot)}/dashboard", "get",
            _ => Task.FromResult<List<string>>([]), teamKey);

    /// <summary>Every client pledges on the same limited tier, whose limit is out of reach.</summary>
    public async Task<Run> HotTierAsync(int clients)
    {
        var slug = $"bench-hot-{RunId}-{Interlocked.Increment(ref hotCampaigns)}";
        await team.LaunchAsync(slug, TierId, HotLimit);
        // One pledge before the clock starts, so that the run does not measure the tier grain's activation.
        await team.PledgeAsync(slug, TierId, $"warm-{slug}");
        Volatile.Write(ref lastHot, slug);
        var before = await truth.PledgesAsync(slug, TierId);
        var path = await team.PathStatsAsync();
        var run = await MeasureAsync("Crowdfund hot tier", clients, $"/v1/campaigns/{slug}/pledges", "post", async wrk =>
        {
            var after = await truth.PledgesAsync(slug, TierId);
            var failures = AcknowledgedAgainstRows(wrk, after.Rows - before.Rows, clients);
            var (held, _) = await team.TierAsync(slug, TierId);
            if (held != after.Held) failures.Add($"tier counter {held} != database {after.Held}");
            return failures;
        });
        return run with { Path = (await team.PathStatsAsync()).Since(path) };
    }

    /// <summary>The same rush on the plain-SQL design: one transaction and one row lock per pledge.</summary>
    public async Task<Run> BaselineAsync(int clients)
    {
        var before = await truth.BaselineAsync(BaselineTier);
        return await MeasureAsync("baseline (row lock)", clients, $"/bench/baseline/tiers/{BaselineTier}/pledges", "post", async wrk =>
        {
            var after = await truth.BaselineAsync(BaselineTier);
            var failures = AcknowledgedAgainstRows(wrk, after.Rows - before.Rows, clients);
            if (after.Held - before.Held != after.Rows - before.Rows) failures.Add("held != rows");
            return failures;
        });
    }

    /// <summary>A tier of 1,000 rushed by every client: how fast it sells out, and how it refuses afterwards.</summary>
    public async Task<Run> SelloutAsync(int clients)
    {
        var slug = $"bench-sellout-{RunId}-{++runs}";
        await team.LaunchAsync(slug, TierId, 1000);
        var path = await team.PathStatsAsync();
        var clock = Stopwatch.StartNew();
        double? soldOutAt = null;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if ((await team.TierAsync(slug, TierId)).Remaining == 0)
                {
                    soldOutAt = clock.Elapsed.TotalSeconds;
                    return;
                }
                await Task.Delay(5);
            }
        });
        var run = await MeasureAsync("sell-out of 1,000", clients, $"/v1/campaigns/{slug}/pledges", "post", async wrk =>
        {
            var rows = await truth.PledgesAsync(slug, TierId);
            var (held, remaining) = await team.TierAsync(slug, TierId);
            List<string> failures = [];
            if (rows.Held != 1000 || held != 1000 || remaining != 0)
                failures.Add($"expected exactly 1000 held: database {rows.Held}, counter {held}");
            if (wrk.Created > rows.Rows) failures.Add($"{wrk.Created} acknowledged but {rows.Rows} rows");
            if (wrk.Other > 0) failures.Add($"{wrk.Other} unexpected statuses");
            return failures;
        }, restartClock: clock);
        await stop.CancelAsync();
        await watcher;
        var after = soldOutAt is { } t ? run.Wrk.Refused / Math.Max(0.001, run.Wrk.Seconds - t) : (double?)null;
        return run with { Path = (await team.PathStatsAsync()).Since(path), SelloutSeconds = soldOutAt, RefusalsPerSecondAfter = after };
    }

    /// <summary>
    /// wrk stops at the deadline with requests in flight: those may commit without being acknowledged. So rows
    /// may exceed acknowledgements by at most one per client, never the other way round (that would be a lost pledge).
    /// </summary>
    private static List<string> AcknowledgedAgainstRows(WrkResult wrk, long rows, int clients)
    {
        List<string> failures = [];
        if (rows < wrk.Created) failures.Add($"LOST: {wrk.Created} acknowledged, {rows} rows");
        if (rows > wrk.Created + clients) failures.Add($"{rows} rows for {wrk.Created} acknowledged");
        if (wrk.Other > 0 || wrk.Refused > 0) failures.Add($"{wrk.Other + wrk.Refused} requests not created");
        return failures;
    }

    private async Task<Run> MeasureAsync(string scenario, int clients, string path, string mode,
        Func<WrkResult, Task<List<string>>> check, string token = "-", Stopwatch? restartClock = null)
    {
        var before = cpu.Take();
        restartClock?.Restart();
        var result = await Wrk.RunAsync(script, baseUrl + path, clients, duration, mode,
            $"r{RunId}-{++runs}", mode == "post" ? bodyFile : "-", token);
        var share = CpuMeter.Between(before, cpu.Take());
        // Let requests cut off by wrk finish and the statistics collector catch up before checking.
        await Task.Delay(1500);
        return new Run(scenario, clients, result, share, await check(result));
    }
}
