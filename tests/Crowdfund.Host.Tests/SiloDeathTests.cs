using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdfund.Grains;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>Silos on their own addresses form one cluster, and losing one costs backers seconds, not errors.</summary>
public sealed class SiloDeathTests
{
    [Test]
    public async Task Two_hosts_advertising_their_own_addresses_form_one_cluster_and_either_serves_any_request()
    {
        var cluster = TestSilo.NewClusterId("ips");
        using var first = await HostProcess.StartAsync(ApiHost.Settings(cluster), advertisedIp: "127.0.0.2");
        using var second = await HostProcess.StartAsync(ApiHost.Settings(cluster), advertisedIp: "127.0.0.3");

        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var members = (await connection.QueryAsync<string>(
            "SELECT silo_address FROM orleans_membership WHERE cluster_id = @cluster AND status = 3", new { cluster })).ToList();
        Assert.That(members.Select(m => m.Split(':')[0]), Is.EquivalentTo(new[] { "127.0.0.2", "127.0.0.3" }));

        using var viaFirst = Team(first);
        using var viaSecond = Team(second);
        var slug = await ApiHost.LaunchCampaignAsync("ips", client: viaFirst);
        var pledge = await Http.PostPledgeAsync(viaSecond, slug, Http.Pledge(tierId: "standard"));
        Assert.That(pledge.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        // Reservations reach the campaign's figures in a gathered snapshot a moment later.
        await Eventually.Until(async () => (await Http.JsonAsync(await viaFirst.GetAsync($"/team/v1/campaigns/{slug}/dashboard")))
            .GetProperty("reservedUnits").GetInt32() == 1, "the pledge made through one host shows on the other's dashboard");
    }

    [Test]
    public async Task Killing_a_silo_mid_rush_answers_503_not_500_and_pledges_flow_again_within_seconds()
    {
        var cluster = TestSilo.NewClusterId("death");
        using var survivor = await HostProcess.StartAsync(ApiHost.Settings(cluster));
        var doomedSettings = ApiHost.Settings(cluster);
        using var doomed = await HostProcess.StartAsync(doomedSettings);
        using var viaSurvivor = Team(survivor);
        using var viaDoomed = Team(doomed);
        // A silo in this process joins as an observer, to see where each tier lives: placement is Orleans' choice, and
        // the test needs tiers on the silo it kills. Campaigns are launched through the doomed host (which makes that
        // likely) until at least two of their tiers live there.
        var emulator = await TestPayments.EmulatorAsync();
        await using var observer = await TestSilo.StartAsync(cluster,
            s => s.AddCrowdfundStores().AddCrowdfundGrains().AddTestPayments(emulator));
        var management = observer.Grains.GetGrain<IManagementGrain>(0);
        var doomedPort = int.Parse(doomedSettings["Crowdfund:Silo:SiloPort"], System.Globalization.CultureInfo.InvariantCulture);
        var slugs = new List<string>();
        var onDoomed = 0;
        while (onDoomed < 2)
        {
            Assert.That(slugs, Has.Count.LessThan(30), "Orleans never placed a tier on the silo to kill");
            var slug = await ApiHost.LaunchCampaignAsync("death", client: viaDoomed);
            var tier = observer.Grains.GetGrain<IRewardTierGrain>(TierKey.Format(slug, "standard"));
            if ((await management.GetActivationAddress(tier))?.Endpoint.Port == doomedPort) onDoomed++;
            slugs.Add(slug);
        }

        var answers = new ConcurrentQueue<(string Slug, TimeSpan At, int Status, string Key)>();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.MaxValue;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var clients = Enumerable.Range(0, 12).Select(c => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested && (killedAt == TimeSpan.MaxValue || clock.Elapsed < killedAt + Watch); n++)
            {
                var slug = slugs[(c + n) % slugs.Count];
                var key = $"c{c}-{n}";
                int status;
                try
                {
                    status = (int)(await Http.PostPledgeAsync(viaSurvivor, slug, Http.Pledge(tierId: "standard"), key)).StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                var at = clock.Elapsed;
                answers.Enqueue((slug, at, status, key));
                if (status == 503) await Task.Delay(ProblemRetryDelay);
            }
        })).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        killedAt = clock.Elapsed;
        doomed.Kill();
        var declaredDead = DeclaredDeadAsync(cluster, clock, stop.Token);
        await Task.WhenAll(clients);
        var dead = await declaredDead - killedAt;

        var after = answers.Where(a => a.At > killedAt).ToList();
        // A tier's pause: from the kill until its first pledge acknowledged after its last refusal.
        var gaps = slugs.Select(s =>
        {
            var mine = after.Where(a => a.Slug == s).ToList();
            var lastRefusal = mine.Where(a => a.Status != 201).Select(a => a.At).DefaultIfEmpty(killedAt).Max();
            return mine.Where(a => a.Status == 201 && a.At >= lastRefusal).Select(a => a.At - killedAt)
                .DefaultIfEmpty(TimeSpan.MaxValue).Min();
        }).ToList();
        var unavailable = after.Count(a => a.Status == 503);
        await TestContext.Out.WriteLineAsync(
            $"after the kill: {after.Count} answers, {unavailable} answered 503, longest pause of a tier {gaps.Max().TotalSeconds:0.0} s " +
            $"(each: {string.Join(", ", gaps.Select(g => g.TotalSeconds.ToString("0.0")))}); the silo was declared dead after " +
            $"{dead.TotalSeconds:0.0} s");
        Assert.That(answers.Where(a => a.Status is >= 500 and not 503 or 0), Is.Empty, "every failure is a 503 to retry");
        Assert.That(unavailable, Is.GreaterThan(0), "tiers lived on the killed silo, so requests met it");
        Assert.That(gaps.Max(), Is.LessThan(TimeSpan.FromSeconds(10)), "pledges flow again on every tier within seconds");
        // Nothing acknowledged was lost: every 201 is a row.
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<string>("SELECT idempotency_key FROM pledges WHERE campaign_id = ANY(@slugs)",
            new { slugs = slugs.ToArray() })).ToHashSet();
        Assert.That(answers.Where(a => a.Status == 201).Select(a => a.Key).Where(k => !stored.Contains(k)), Is.Empty);
    }

    /// <summary>When the membership table first shows a dead silo of the cluster, on the test's clock.</summary>
    private static async Task<TimeSpan> DeclaredDeadAsync(string cluster, Stopwatch clock, CancellationToken stop)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync(stop);
        while (!stop.IsCancellationRequested)
        {
            if (await connection.ExecuteScalarAsync<bool>(
                    "SELECT EXISTS (SELECT FROM orleans_membership WHERE cluster_id = @cluster AND status = 6)", new { cluster }))
                return clock.Elapsed;
            await Task.Delay(50, CancellationToken.None);
        }
        return TimeSpan.MaxValue;
    }

    private static readonly TimeSpan ProblemRetryDelay = TimeSpan.FromMilliseconds(100);

    // Long enough to see the silo declared dead and every tier flowing again, with room to spare.
    private static readonly TimeSpan Watch = TimeSpan.FromSeconds(12);

    private static HttpClient Team(HostProcess host)
    {
        var client = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.TeamKey);
        return client;
    }
}
