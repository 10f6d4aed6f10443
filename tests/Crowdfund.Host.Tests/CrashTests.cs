using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdfund.Grains;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>A host process killed with SIGKILL in the middle of a rush, and a surviving silo of the same cluster.</summary>
public sealed class CrashTests
{
    [Test]
    public async Task Every_acknowledged_pledge_survives_a_kill_and_the_survivor_counts_exactly_the_rows()
    {
        var cluster = TestSilo.NewClusterId("crash");
        const string key = "crash-team-key-that-is-long-enough-0123";
        using var doomed = await HostProcess.StartAsync(cluster, key);
        var emulator = await TestPayments.EmulatorAsync();
        await using var survivor = await TestSilo.StartAsync(cluster,
            s => s.AddCrowdfundStores().AddCrowdfundGrains().AddTestPayments(emulator));
        using var http = new HttpClient { BaseAddress = new Uri(doomed.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var slug = await ApiHost.LaunchCampaignAsync("crash", earlyLimit: 100, client: http);

        // A rush larger than the tier, cut short by the kill.
        var acknowledged = new ConcurrentBag<Guid>();
        using var rushing = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 16).Select(async client =>
        {
            for (var n = 0; !rushing.IsCancellationRequested; n++)
            {
                try
                {
                    var response = await Http.PostPledgeAsync(http, slug, Http.Pledge(), $"c{client}-{n}");
                    if (response.StatusCode == HttpStatusCode.Created)
                        acknowledged.Add((await Http.JsonAsync(response)).GetProperty("id").GetGuid());
                }
                catch (HttpRequestException)
                {
                    return; // The host is gone.
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        }).ToList();
        while (acknowledged.Count < 40) await Task.Delay(5);
        doomed.Kill();
        await rushing.CancelAsync();
        await Task.WhenAll(clients);

        // The tier grain may live on the survivor, where a batch the doomed edge sent can still be committing: its
        // rewards are held before its rows exist. So compare once the survivor has settled: its counter must come
        // to equal the rows, never drift from them.
        var tier = survivor.Grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, "early"));
        var (rows, held) = await SettledAsync(slug, tier);
        await TestContext.Out.WriteLineAsync($"{acknowledged.Count} acknowledged before the kill, {rows.Count} rows");
        Assert.That(acknowledged.Where(id => !rows.Contains(id)), Is.Empty, "an acknowledged pledge was lost");
        Assert.That(rows, Has.Count.LessThanOrEqualTo(100));
        Assert.That(held.RewardsHeld, Is.EqualTo(rows.Count));
        Assert.That(held.Remaining, Is.EqualTo(100 - rows.Count));
    }

    private static async Task<(HashSet<Guid> Rows, TierSnapshot Held)> SettledAsync(string slug, IRewardTierGrain tier)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
            var rows = (await connection.QueryAsync<Guid>("SELECT id FROM pledges WHERE campaign_id = @slug", new { slug })).ToHashSet();
            var snapshot = await Eventually.Answer(() => tier.GetSnapshotAsync());
            if (snapshot.RewardsHeld == rows.Count || DateTime.UtcNow > deadline) return (rows, snapshot);
            await Task.Delay(100);
        }
    }
}
