using System.Net;
using System.Net.Http.Json;

namespace Crowdfund.Host.Tests;

public sealed class PledgeApiTests
{
    [Test]
    public async Task A_campaign_is_priced_in_each_country_currency_with_tax_and_shipping()
    {
        var slug = await ApiHost.LaunchCampaignAsync("priced");
        using var client = ApiHost.Client();

        var france = await Http.JsonAsync(await client.GetAsync($"/v1/campaigns/{slug}?country=FR"));
        var canada = await Http.JsonAsync(await client.GetAsync($"/v1/campaigns/{slug}?country=ca"));

        var early = france.GetProperty("tiers")[0];
        Assert.That(france.GetProperty("currency").GetString(), Is.EqualTo("EUR"));
        Assert.That(early.GetProperty("remaining").GetInt32(), Is.EqualTo(10));
        Assert.That(early.GetProperty("priceForOne").GetProperty("total").GetInt64(), Is.EqualTo(7900 + 900));
        Assert.That(early.GetProperty("priceForOne").GetProperty("tax").GetInt64(), Is.EqualTo(1467));
        var canadaEarly = canada.GetProperty("tiers")[0];
        var canadaStandard = canada.GetProperty("tiers")[1];
        Assert.That(canadaEarly.GetProperty("shipsHere").GetBoolean(), Is.False);
        Assert.That(canadaStandard.GetProperty("priceForOne").GetProperty("total").GetInt64(), Is.EqualTo(16400 + 2132));
        Assert.That(france.GetProperty("progress").GetProperty("goalUnits").GetInt32(), Is.EqualTo(500));
    }

    [Test]
    public async Task A_pledge_is_reserved_replayed_by_its_key_and_followed_changed_and_cancelled_with_its_token()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pledge");
        using var client = ApiHost.Client();

        var created = await Http.PostPledgeAsync(client, slug, Http.Pledge(quantity: 2), "key-1");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var pledge = await Http.JsonAsync(created);
        var id = pledge.GetProperty("id").GetString();
        var token = pledge.GetProperty("token").GetString();
        Assert.That(pledge.GetProperty("status").GetString(), Is.EqualTo("Reserved"));
        Assert.That(pledge.GetProperty("amounts").GetProperty("total").GetInt64(), Is.EqualTo(2 * 7900 + 900));

        var replay = await Http.PostPledgeAsync(client, slug, Http.Pledge(quantity: 2), "key-1");
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(replay.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        var again = await Http.JsonAsync(replay);
        Assert.That(again.GetProperty("id").GetString(), Is.EqualTo(id));
        Assert.That(again.GetProperty("token").GetString(), Is.EqualTo(token));
        await Http.AssertProblemAsync(await Http.PostPledgeAsync(client, slug, Http.Pledge(quantity: 1), "key-1"), 422, "idempotency-key-reused");
        Assert.That(await Http.PledgeRowsAsync(slug), Is.EqualTo(1));

        var read = await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{id}", token));
        Assert.That((await Http.JsonAsync(read)).GetProperty("quantity").GetInt32(), Is.EqualTo(2));
        var moved = await client.SendAsync(Http.WithToken(HttpMethod.Patch, $"/v1/pledges/{id}", token, new { tierId = "standard", quantity = 3 }));
        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await moved.Content.ReadAsStringAsync());
        Assert.That((await Http.JsonAsync(moved)).GetProperty("tierId").GetString(), Is.EqualTo("standard"));
        var cancelled = await client.SendAsync(Http.WithToken(HttpMethod.Delete, $"/v1/pledges/{id}", token));
        Assert.That((await Http.JsonAsync(cancelled)).GetProperty("status").GetString(), Is.EqualTo("Cancelled"));
    }

    [Test]
    public async Task A_rush_over_http_sells_exactly_the_limit_and_retries_get_their_first_answer()
    {
        var slug = await ApiHost.LaunchCampaignAsync("rush", earlyLimit: 25);
        using var client = ApiHost.Client();
        var keys = Enumerable.Range(0, 150).Select(i => $"rush-{i}").ToArray();

        var first = await Task.WhenAll(keys.Select(key => Http.PostPledgeAsync(client, slug, Http.Pledge(), key)));
        var created = new Dictionary<string, string>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (first[i].StatusCode == HttpStatusCode.Created)
                created[keys[i]] = (await Http.JsonAsync(first[i])).GetProperty("id").GetString()!;
            else await Http.AssertProblemAsync(first[i], 409, "sold-out");
        }
        Assert.That(created, Has.Count.EqualTo(25));

        // Every backer retries at once, and a few change their body under the same key.
        var again = await Task.WhenAll(keys.Select((key, i) =>
            Http.PostPledgeAsync(client, slug, Http.Pledge(quantity: i % 50 == 0 ? 2 : 1), key)));
        for (var i = 0; i < keys.Length; i++)
        {
            if (i % 50 == 0)
                await Http.AssertProblemAsync(again[i], created.ContainsKey(keys[i]) ? 422 : 409,
                    created.ContainsKey(keys[i]) ? "idempotency-key-reused" : "sold-out");
            else if (created.TryGetValue(keys[i], out var id))
            {
                Assert.That(again[i].StatusCode, Is.EqualTo(HttpStatusCode.Created));
                Assert.That(again[i].Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
                Assert.That((await Http.JsonAsync(again[i])).GetProperty("id").GetString(), Is.EqualTo(id));
            }
            else await Http.AssertProblemAsync(again[i], 409, "sold-out");
        }
        Assert.That(await Http.PledgeRowsAsync(slug), Is.EqualTo(25));
    }

    [Test]
    public async Task A_wrong_or_missing_token_reads_and_changes_nothing()
    {
        var slug = await ApiHost.LaunchCampaignAsync("token");
        using var client = ApiHost.Client();
        var pledge = await Http.JsonAsync(await Http.PostPledgeAsync(client, slug, Http.Pledge()));
        var id = pledge.GetProperty("id").GetString();

        await Http.AssertProblemAsync(await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{id}", null)), 401, "unauthorized");
        await Http.AssertProblemAsync(await client.SendAsync(Http.WithToken(HttpMethod.Delete, $"/v1/pledges/{id}", "not-the-token")), 404, "pledge-not-found");
        await Http.AssertProblemAsync(await client.SendAsync(Http.WithToken(HttpMethod.Patch, $"/v1/pledges/{id}", "not-the-token", new { quantity = 2 })), 404, "pledge-not-found");

        var read = await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{id}", pledge.GetProperty("token").GetString()));
        var still = await Http.JsonAsync(read);
        Assert.That(still.GetProperty("status").GetString(), Is.EqualTo("Reserved"));
        Assert.That(still.GetProperty("quantity").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Pledges_from_the_five_countries_show_by_country_on_the_team_dashboard()
    {
        var slug = await ApiHost.LaunchCampaignAsync("walk");
        using var client = ApiHost.Client();
        using var team = ApiHost.Team();
        foreach (var (country, postal) in new[] { ("FR", "75002"), ("DE", "10115"), ("ES", "28001"), ("US", "94103"), ("CA", "K1A 0B1") })
        {
            var created = await Http.JsonAsync(await Http.PostPledgeAsync(client, slug, Http.Pledge("standard", country, 1, postal)));
            var (id, token) = (created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!);
            Assert.That((await Http.SaveCardAsync(client, id, token)).Status, Is.EqualTo(HttpStatusCode.OK));
            await Http.StatusAsync(client, id, token, "Confirmed");
        }

        var dashboard = await Eventually(async () =>
        {
            var json = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/dashboard"));
            return json.GetProperty("confirmedUnits").GetInt32() == 5 ? json : (System.Text.Json.JsonElement?)null;
        });
        var byCountry = dashboard.GetProperty("confirmedUnitsByCountry");
        foreach (var country in new[] { "FR", "DE", "ES", "US", "CA" })
            Assert.That(byCountry.GetProperty(country).GetInt32(), Is.EqualTo(1));
        var money = dashboard.GetProperty("confirmedMoneyByCurrency");
        Assert.That(money.GetProperty("EUR").GetInt64(), Is.EqualTo(3 * (9900 + 900)));
        Assert.That(money.GetProperty("USD").GetInt64(), Is.EqualTo(10900 + 1500));
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : struct
    {
        // The campaign hears of confirmations by one-way messages; give them a moment.
        for (var i = 0; i < 100; i++)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        Assert.Fail("the dashboard never caught up");
        throw new InvalidOperationException();
    }
}
