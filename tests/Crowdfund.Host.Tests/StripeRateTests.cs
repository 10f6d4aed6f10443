using System.Net.Http.Headers;
using System.Net.Http.Json;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;

namespace Crowdfund.Host.Tests;

/// <summary>The account's Stripe rate limit holds for the whole cluster: each silo takes its share.</summary>
public sealed class StripeRateTests
{
    [Test]
    public async Task Two_silos_making_setups_together_never_go_past_the_accounts_rate()
    {
        // An account of its own, limited to 10 requests a second, as Stripe limits an account.
        await using var stripe = await StripeEmulatorServer.StartAsync(new EmulatorOptions
        {
            SecretKey = "sk_test_rate_tests", PublishableKey = "pk_test_rate_tests", RequestsPerSecond = 10,
        });
        var cluster = TestSilo.NewClusterId("rate");
        Dictionary<string, string> Settings()
        {
            var settings = ApiHost.Settings(cluster);
            settings["Crowdfund:Stripe:ApiBase"] = stripe.BaseUrl;
            settings["Crowdfund:Stripe:SecretKey"] = stripe.SecretKey;
            settings["Crowdfund:Stripe:PublishableKey"] = stripe.PublishableKey;
            settings["Crowdfund:Stripe:RequestsPerSecond"] = "10";
            return settings;
        }
        using var first = await HostProcess.StartAsync(Settings());
        using var second = await HostProcess.StartAsync(Settings());
        using var viaFirst = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
        using var viaSecond = new HttpClient { BaseAddress = new Uri(second.BaseUrl) };
        viaFirst.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.TeamKey);
        var slug = await ApiHost.LaunchCampaignAsync("rate", client: viaFirst);
        // Both silos count each other before the rush (each then takes half the rate).
        await Eventually.Until(async () => (await new HttpClient().GetAsync(second.BaseUrl + "/health/ready")).IsSuccessStatusCode,
            "the second silo is an active member");

        var pledges = new List<(HttpClient Via, string Id, string Token)>();
        for (var i = 0; i < 40; i++)
        {
            var via = i % 2 == 0 ? viaFirst : viaSecond;
            var created = await Http.JsonAsync(await Http.PostPledgeAsync(via, slug,
                Http.Pledge("standard", email: $"rate-{i}-{Guid.NewGuid():N}@example.com")));
            pledges.Add((via, created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!));
        }
        var setups = await Task.WhenAll(pledges.Select(p => Http.ReadySetupAsync(p.Via, p.Id, p.Token)));

        Assert.That(setups.Select(s => s.GetProperty("status").GetString()), Is.All.EqualTo("Ready"));
        var seen = stripe.Stats();
        await TestContext.Out.WriteLineAsync($"Stripe saw {seen.Requests} requests, {seen.RateLimited} refused for the rate");
        Assert.That(seen.SetupIntents, Is.EqualTo(40));
        Assert.That(seen.Requests, Is.GreaterThanOrEqualTo(80), "a customer and a setup for each backer");
        Assert.That(seen.RateLimited, Is.Zero, "the two silos together stayed within the account's rate");
    }
}
