using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Host.Tests;

/// <summary>
/// The hostile requests that got through before, each refused now with its field named and nothing written, and a
/// burst of hostile and honest pledges together in which no honest one is hurt.
/// </summary>
public sealed class HostileInputTests
{
    private static object Pledge(string name = "Ada Lovelace", string line1 = "1 rue de la Paix", object? quantity = null) => new
    {
        tierId = "standard", quantity = quantity ?? 1, country = "FR",
        backer = new { name, email = "ada@example.com" },
        shippingAddress = new { line1, city = "Paris", postalCode = "75002" },
    };

    [TestCase("Ada\u0000Lovelace", "backer.name")]
    [TestCase("\u001b[31mAda", "backer.name")]
    [TestCase("Ada\r\nBcc: x@example.com", "backer.name")]
    [TestCase("Ada\u202eecalevoL", "backer.name")]
    public async Task Control_and_format_characters_in_a_name_are_refused_by_field(string name, string field)
    {
        var slug = await ApiHost.LaunchCampaignAsync("ctl");
        using var client = ApiHost.Client();
        var response = await Http.PostPledgeAsync(client, slug, Pledge(name: name));
        await Http.AssertProblemAsync(response, 422, "validation-failed");
        Assert.That(await FieldsAsync(response), Is.EqualTo(new[] { field }));
        Assert.That(await Http.PledgeRowsAsync(slug), Is.Zero);
    }

    [Test]
    public async Task A_bell_or_a_nul_in_an_address_line_is_refused_by_field()
    {
        var slug = await ApiHost.LaunchCampaignAsync("addr");
        using var client = ApiHost.Client();
        foreach (var line in new[] { "1 rue\u0007 de la Paix", "1 rue\u0000" })
        {
            var response = await Http.PostPledgeAsync(client, slug, Pledge(line1: line));
            await Http.AssertProblemAsync(response, 422, "validation-failed");
            Assert.That(await FieldsAsync(response), Is.EqualTo(new[] { "shippingAddress.line1" }));
        }
        Assert.That(await Http.PledgeRowsAsync(slug), Is.Zero);
    }

    [Test]
    public async Task A_quantity_whose_units_would_overflow_is_refused_before_it_joins_a_batch()
    {
        var slug = await ApiHost.LaunchCampaignAsync("qty");
        using var client = ApiHost.Client();
        var response = await Http.PostPledgeAsync(client, slug, Pledge(quantity: 1_073_741_824));
        await Http.AssertProblemAsync(response, 422, "validation-failed");
        Assert.That(await FieldsAsync(response), Is.EqualTo(new[] { "quantity" }));
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, slug,
            JsonSerializer.Serialize(Pledge()).Replace("\"quantity\":1", "\"quantity\":99999999999"), "big"), 400, "malformed-body");
        Assert.That(await Http.PledgeRowsAsync(slug), Is.Zero);
    }

    [Test]
    public async Task An_unpaired_surrogate_in_the_json_is_a_malformed_body()
    {
        var slug = await ApiHost.LaunchCampaignAsync("surr");
        using var client = ApiHost.Client();
        var json = JsonSerializer.Serialize(Pledge(name: "Ada SURROGATE")).Replace("SURROGATE", "\\ud800");
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, slug, json, "s1"), 400, "malformed-body");
        Assert.That(await Http.PledgeRowsAsync(slug), Is.Zero);
    }

    [Test]
    public async Task A_slug_with_a_trailing_newline_is_refused_and_no_draft_is_written()
    {
        using var team = ApiHost.Team();
        var slug = $"evil-{Guid.NewGuid():N}"[..17];
        var response = await team.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug = slug + "\n", title = "Evil", product = "Phone", goalUnits = 500, deadline = DateTimeOffset.UtcNow.AddDays(30),
            countries = new[] { new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true } },
        });
        await Http.AssertProblemAsync(response, 422, "validation-failed");
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM campaigns WHERE id LIKE @prefix",
            new { prefix = slug + "%" }), Is.Zero);
    }

    [Test]
    public async Task A_tier_id_with_a_trailing_newline_is_refused_and_not_stored()
    {
        var slug = await ApiHost.LaunchCampaignAsync("tierid", launch: false);
        using var team = ApiHost.Team();
        var response = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/std%0A", Tier());
        await Http.AssertProblemAsync(response, 422, "validation-failed");
        Assert.That(await FieldsAsync(response), Is.EqualTo(new[] { "id" }));
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        Assert.That(await connection.QueryAsync<string>("SELECT id FROM reward_tiers WHERE campaign_id = @slug ORDER BY id",
            new { slug }), Is.EqualTo(new[] { "early", "standard" }));
    }

    [Test]
    public async Task Amounts_that_would_overflow_pricing_are_refused_at_the_team_api_and_the_page_still_answers()
    {
        var slug = await ApiHost.LaunchCampaignAsync("overflow", launch: false);
        using var team = ApiHost.Team();
        var huge = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/huge",
            Tier(prices: new { EUR = long.MaxValue, USD = 100, CAD = 100 }));
        await Http.AssertProblemAsync(huge, 422, "validation-failed");
        Assert.That(await FieldsAsync(huge), Is.EqualTo(new[] { "prices.EUR" }));
        var greedy = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/greedy",
            Tier(unitsPerReward: 2, maxPerBacker: int.MaxValue));
        await Http.AssertProblemAsync(greedy, 422, "validation-failed");
        Assert.That(await FieldsAsync(greedy), Is.EqualTo(new[] { "maxPerBacker" }));

        Assert.That((int)(await team.PostAsync($"/team/v1/campaigns/{slug}/launch", null)).StatusCode, Is.EqualTo(200));
        using var client = ApiHost.Client();
        foreach (var country in new[] { "FR", "DE", "ES", "US", "CA" })
            Assert.That((await client.GetAsync($"/v1/campaigns/{slug}?country={country}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_campaign_without_a_goal_is_a_validation_error()
    {
        using var team = ApiHost.Team();
        var response = await team.PostAsJsonAsync("/team/v1/campaigns", new
        {
            slug = $"nogoal-{Guid.NewGuid():N}"[..19], title = "No goal", product = "Phone", deadline = DateTimeOffset.UtcNow.AddDays(30),
            countries = new[] { new { country = "FR", currency = "EUR", taxRateBasisPoints = 2000, pricesIncludeTax = true } },
        });
        await Http.AssertProblemAsync(response, 422, "validation-failed");
        Assert.That(await FieldsAsync(response), Is.EqualTo(new[] { "goalUnits" }));
    }

    [Test]
    public async Task A_burst_of_hostile_and_honest_pledges_answers_no_5xx_and_stores_every_honest_one_and_nothing_else()
    {
        var slug = await ApiHost.LaunchCampaignAsync("burst", earlyLimit: 1000);
        using var client = ApiHost.Client();
        var honest = Enumerable.Range(0, 300).Select(i => ($"honest-{i}", JsonSerializer.Serialize(
            Http.Pledge(tierId: i % 2 == 0 ? "early" : "standard", quantity: 1 + i % 2)))).ToList();
        var honestJson = JsonSerializer.Serialize(Http.Pledge());
        string[] hostileBodies =
        [
            JsonSerializer.Serialize(Pledge(name: "Ada\u0000")),
            JsonSerializer.Serialize(Pledge(line1: "1 rue\u0000")),
            JsonSerializer.Serialize(Pledge(name: "\u001b[31mred")),
            JsonSerializer.Serialize(Pledge(quantity: 1_073_741_824)),
            JsonSerializer.Serialize(Pledge(quantity: -1)),
            JsonSerializer.Serialize(Pledge(name: new string('x', 5000))),
            honestJson.Replace("Ada Lovelace", "\\ud800"),
            honestJson.Replace("\"quantity\":1", "\"quantity\":1e400"),
            "{\"tierId\": ",
            "[]",
            "null",
        ];
        var hostile = Enumerable.Range(0, 300).Select(i => ($"hostile-{i}", hostileBodies[i % hostileBodies.Length])).ToList();
        // Keys that are themselves hostile: they must be refused before anything else happens.
        var badKeys = new[] { "with space", "nul\u0000key", new string('k', 300), "clé" };

        var statuses = new ConcurrentBag<(string Key, int Status)>();
        var sends = honest.Concat(hostile).OrderBy(_ => Random.Shared.Next()).Select(async request =>
        {
            var response = await Http.PostRawAsync(client, slug, request.Item2, request.Item1);
            statuses.Add((request.Item1, (int)response.StatusCode));
        }).Concat(badKeys.Select(async key =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, $"/v1/campaigns/{slug}/pledges")
            {
                Content = new StringContent(honestJson, System.Text.Encoding.UTF8, "application/json"),
            };
            message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            try
            {
                statuses.Add((key, (int)(await client.SendAsync(message)).StatusCode));
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                // HttpClient itself refuses to send a NUL or a non-ASCII character in a header; nothing reached the server.
            }
        }));
        await Task.WhenAll(sends);

        Assert.That(statuses.Where(s => s.Status >= 500), Is.Empty);
        Assert.That(statuses.Where(s => s.Key.StartsWith("honest-", StringComparison.Ordinal)).Select(s => s.Status),
            Is.All.EqualTo(201));
        Assert.That(statuses.Where(s => !s.Key.StartsWith("honest-", StringComparison.Ordinal)).Select(s => s.Status),
            Is.All.InRange(400, 499));
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var keys = (await connection.QueryAsync<string>("SELECT idempotency_key FROM pledges WHERE campaign_id = @slug",
            new { slug })).ToList();
        Assert.That(keys, Is.EquivalentTo(honest.Select(h => h.Item1)));
    }

    private static object Tier(object? prices = null, int unitsPerReward = 1, int? maxPerBacker = 2) => new
    {
        name = "Tier", prices = prices ?? new { EUR = 7900, USD = 8900, CAD = 11900 }, unitsPerReward, maxPerBacker,
        shipsTo = new[] { "FR", "DE", "ES", "US", "CA" },
        shipping = new { FR = 900, DE = 900, ES = 900, US = 1500, CA = 1500 }, estimatedDelivery = "2027-09",
    };

    private static async Task<List<string?>> FieldsAsync(HttpResponseMessage response) =>
        (await Http.JsonAsync(response)).GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString()).ToList();
}
