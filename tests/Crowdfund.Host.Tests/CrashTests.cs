using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdfund.Grains;
using Crowdfund.Infrastructure.Postgres;
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
        const string key = "crash-team-key-long-enough";
        using var doomed = await HostProcess.StartAsync(cluster, key);
        await using var survivor = await TestSilo.StartAsync(cluster, s => s.AddCrowdfundStores().AddCrowdfundGrains());
        using var http = new HttpClient { BaseAddress = new Uri(doomed.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var slug = await LaunchAsync(http, limit: 100);

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

        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<Guid>("SELECT id FROM pledges WHERE campaign_id = @slug", new { slug })).ToHashSet();
        await TestContext.Out.WriteLineAsync($"{acknowledged.Count} acknowledged before the kill, {rows.Count} rows");
        Assert.That(acknowledged.Where(id => !rows.Contains(id)), Is.Empty, "an acknowledged pledge was lost");
        Assert.That(rows, Has.Count.LessThanOrEqualTo(100));

        var tier = survivor.Grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, "early"));
        var snapshot = await Eventually.Answer(() => tier.GetSnapshotAsync());
        Assert.That(snapshot.RewardsHeld, Is.EqualTo(rows.Count));
        Assert.That(snapshot.Remaining, Is.EqualTo(100 - rows.Count));
    }

    private static async Task<string> LaunchAsync(HttpClient team, int limit)
    {
        var slug = $"crash-{Guid.NewGuid():N}"[..18];
        (await team.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug, title = "Crash", product = "Retro phone", deadline = DateTimeOffset.UtcNow.AddDays(1),
            countries = new[] { new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true } },
        })).EnsureSuccessStatusCode();
        (await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/early", new
        {
            name = "Early", prices = new { EUR = 7900 }, limit, maxPerBacker = 2, shipsTo = new[] { "FR" },
            shipping = new { FR = 900 }, estimatedDelivery = "2027-09",
        })).EnsureSuccessStatusCode();
        (await team.PostAsync($"/team/v1/campaigns/{slug}/launch", null)).EnsureSuccessStatusCode();
        return slug;
    }
}
