using System.Net.Http.Headers;
using Crowdfund.Grains;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>A collection run through a faulty provider and the loss of a silo still charges every pledge exactly once.</summary>
[NonParallelizable]
public sealed class CollectionFaultTests
{
    private const int Pledges = 30;

    // Few charges at a time, some of them slow: the kill lands while most charges are still to make.
    private const int Concurrency = 2;

    [Test]
    public async Task With_a_fifth_of_calls_failing_and_a_silo_killed_midway_every_pledge_ends_collected_and_none_is_charged_twice()
    {
        await using var emulator = await StripeEmulatorServer.StartAsync(new EmulatorOptions
        {
            SecretKey = "sk_test_fault_tests", PublishableKey = "pk_test_fault_tests",
            WebhookRetryDelay = TimeSpan.FromMilliseconds(100), WebhookMaxRetryDelay = TimeSpan.FromSeconds(1),
        });
        var cluster = TestSilo.NewClusterId("faults");
        using var survivor = await HostProcess.StartAsync(Settings(cluster, emulator));
        using var doomed = await HostProcess.StartAsync(Settings(cluster, emulator));
        emulator.SetWebhookEndpoint(survivor.BaseUrl + "/webhooks/stripe", ApiHost.WebhookSecret);
        // A silo in this process ends the campaign the moment its deadline passes (the campaign's reminder would, within
        // a minute) and reads the run like the team would.
        await using var observer = await TestSilo.StartAsync(cluster,
            s => s.AddCrowdfundStores().AddCrowdfundGrains().AddTestPayments(emulator, silos: 3)
                .Configure<CrowdfundGrainOptions>(o => o.CollectionConcurrency = Concurrency));
        using var team = new HttpClient { BaseAddress = new Uri(survivor.BaseUrl) };
        team.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.TeamKey);

        var deadline = DateTimeOffset.UtcNow.AddSeconds(25);
        var slug = await ApiHost.LaunchCampaignAsync("faults", goalUnits: 1, deadline: deadline, client: team);
        var backers = new List<Backer>();
        foreach (var batch in Enumerable.Range(0, Pledges).Chunk(10))
            backers.AddRange(await Task.WhenAll(batch.Select(n => PledgeAsync(team, slug, emulator, n))));
        Assert.That(DateTimeOffset.UtcNow, Is.LessThan(deadline), "every pledge confirmed before the deadline");

        emulator.Faults = new FaultOptions
        {
            ServerErrorRate = 0.07, RateLimitRate = 0.07, DropAfterWriteRate = 0.06, Seed = 16,
            SlowRate = 0.5, SlowDelay = TimeSpan.FromMilliseconds(400),
        };
        await Task.Delay(deadline - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        await observer.Grains.GetGrain<ICampaignGrain>(slug).CheckDeadlineAsync();
        await Eventually.Until(() => Task.FromResult(CollectedAt(emulator, slug) >= Pledges / 5), "a fifth of the pledges charged");
        doomed.Kill();
        var chargedAtKill = CollectedAt(emulator, slug);
        await TestContext.Out.WriteLineAsync($"{chargedAtKill} of {Pledges} pledges were charged when the silo was killed");
        Assert.That(chargedAtKill, Is.LessThan(Pledges), "the silo died in the middle of the run");

        var run = observer.Grains.GetGrain<ICollectionGrain>(slug);
        await Eventually.Until(async () =>
        {
            try
            {
                // Reading the run activates it again if it lived on the killed silo; the activation resumes the walk.
                return (await run.GetAsync()).Collection?.Status == Messages.Payments.CollectionStatus.Finished;
            }
            catch (Exception)
            {
                // Calls to a grain of the killed silo fail until the cluster declares it dead.
                return false;
            }
        }, "the run finishes on the silos left");
        emulator.Faults = new FaultOptions();

        var succeeded = emulator.Charges().Where(c => c.Metadata.GetValueOrDefault("campaign_id") == slug && c.Status == "succeeded")
            .GroupBy(c => c.Metadata["pledge_id"]).ToDictionary(g => g.Key, g => g.ToList());
        Assert.That(succeeded.Where(p => p.Value.Count > 1).Select(p => p.Key), Is.Empty, "no pledge charged twice");
        foreach (var backer in backers)
        {
            Assert.That(succeeded.TryGetValue(backer.Id, out var charges), Is.True, $"{backer.Id} was charged");
            Assert.That((charges![0].Amount, charges[0].Currency), Is.EqualTo((backer.Total, backer.Currency.ToLowerInvariant())));
        }
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var statuses = await connection.QueryAsync<(string, long, long)>(
            "SELECT status, collected_amount, total FROM pledges WHERE campaign_id = @slug", new { slug });
        Assert.That(statuses.Select(s => s.Item1).Distinct(), Is.EqualTo(new[] { "Collected" }));
        Assert.That(statuses.All(s => s.Item2 == s.Item3), "each collected amount is the stored total");
        var report = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/reconciliation"));
        Assert.That(report.GetProperty("pledges").GetArrayLength(), Is.Zero, report.ToString());
    }

    private static int CollectedAt(StripeEmulatorServer emulator, string slug) =>
        emulator.Charges().Count(c => c.Metadata.GetValueOrDefault("campaign_id") == slug && c.Status == "succeeded");

    private static async Task<Backer> PledgeAsync(HttpClient client, string slug, StripeEmulatorServer emulator, int n)
    {
        var (country, postal) = (n % 3) switch { 0 => ("FR", "75002"), 1 => ("US", "94103"), _ => ("CA", "K1A 0B1") };
        var made = await Http.PostPledgeAsync(client, slug, Http.Pledge("standard", country, 1, postal, $"fault-{n}-{Guid.NewGuid():N}@example.com"));
        Assert.That((int)made.StatusCode, Is.EqualTo(201), await made.Content.ReadAsStringAsync());
        var body = await Http.JsonAsync(made);
        var backer = new Backer(body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!,
            body.GetProperty("amounts").GetProperty("total").GetInt64(), body.GetProperty("amounts").GetProperty("currency").GetString()!);
        var (status, answer) = await Http.SaveCardAsync(client, backer.Id, backer.Token, "pm_card_visa", emulator.BaseUrl);
        Assert.That((int)status, Is.EqualTo(200), answer.ToString());
        await Http.StatusAsync(client, backer.Id, backer.Token, "Confirmed");
        return backer;
    }

    private static Dictionary<string, string> Settings(string cluster, StripeEmulatorServer emulator)
    {
        var settings = ApiHost.Settings(cluster);
        settings["Crowdfund:Stripe:ApiBase"] = emulator.BaseUrl;
        settings["Crowdfund:Stripe:SecretKey"] = emulator.SecretKey;
        settings["Crowdfund:Stripe:PublishableKey"] = emulator.PublishableKey;
        settings["Crowdfund:Grains:CollectionConcurrency"] = Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}
