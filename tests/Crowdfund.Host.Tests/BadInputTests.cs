using System.Net.Http.Json;

namespace Crowdfund.Host.Tests;

/// <summary>Every bad input gets a problem+json with a stable type, and writes nothing.</summary>
public sealed class BadInputTests
{
    private static string live = "";
    private static string draft = "";

    [OneTimeSetUp]
    public async Task Campaigns()
    {
        live = await ApiHost.LaunchCampaignAsync("bad");
        draft = await ApiHost.LaunchCampaignAsync("draft", launch: false);
    }

    [TearDown]
    public async Task NothingWasWritten() =>
        Assert.That(await Http.PledgeRowsAsync(live) + await Http.PledgeRowsAsync(draft), Is.Zero);

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("no-such-campaign", Http.Pledge(), 404, "campaign-not-found").SetName("unknown campaign");
        yield return new TestCaseData(null, Http.Pledge(tierId: "nope"), 404, "tier-not-found").SetName("unknown tier");
        yield return new TestCaseData(null, Http.Pledge(country: "IT", postalCode: "00184"), 422, "country-not-open").SetName("country not open");
        yield return new TestCaseData(null, Http.Pledge(tierId: "early", country: "CA", postalCode: "K1A 0B1"), 422, "not-shipping-there").SetName("tier not shipping there");
        yield return new TestCaseData(null, Http.Pledge(quantity: 3), 422, "quantity-out-of-range").SetName("over the per-backer maximum");
        yield return new TestCaseData(null, Http.Pledge(quantity: 0), 422, "validation-failed").SetName("zero quantity");
        yield return new TestCaseData(null, Http.Pledge(email: "ada@"), 422, "validation-failed").SetName("malformed email");
        yield return new TestCaseData(null, Http.Pledge(country: "DE", postalCode: "ABCDE"), 422, "validation-failed").SetName("malformed postal code");
        yield return new TestCaseData("draft", Http.Pledge(), 409, "campaign-not-live").SetName("campaign not live");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Refused(string? slug, object body, int status, string code)
    {
        using var client = ApiHost.Client();
        var target = slug == "draft" ? draft : slug ?? live;
        await Http.AssertProblemAsync(await Http.PostPledgeAsync(client, target, body), status, code);
    }

    [Test]
    public async Task A_country_the_campaign_is_not_open_in_is_named()
    {
        using var client = ApiHost.Client();
        await Http.AssertProblemAsync(await client.GetAsync($"/v1/campaigns/{live}?country=IT"), 422, "country-not-open");
    }

    [Test]
    public async Task Malformed_oversized_unkeyed_or_mistyped_bodies()
    {
        using var client = ApiHost.Client();
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, live, "{\"tierId\": ", "k1"), 400, "malformed-body");
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, live, "{\"quantity\": \"two\"}", "k2"), 400, "malformed-body");
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, live, new string(' ', 20_000) + "{}", "k3", expectContinue: true), 413, "body-too-large");
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, live, "{}", "k4", "text/plain"), 415, "unsupported-media-type");
        await Http.AssertProblemAsync(await Http.PostRawAsync(client, live, System.Text.Json.JsonSerializer.Serialize(Http.Pledge()), null), 400, "idempotency-key-missing");
    }

    [Test]
    public async Task The_team_api_wants_its_key()
    {
        using var client = ApiHost.Client();
        await Http.AssertProblemAsync(await client.GetAsync($"/team/v1/campaigns/{live}/dashboard"), 401, "unauthorized");
        await Http.AssertProblemAsync(await client.PostAsJsonAsync("/team/v1/campaigns", new { slug = "sneaky" }), 401, "unauthorized");
    }

    [Test]
    public async Task A_launch_with_problems_names_them()
    {
        using var team = ApiHost.Team();
        var slug = await ApiHost.LaunchCampaignAsync("nolaunch", launch: false);
        await team.DeleteAsync($"/team/v1/campaigns/{slug}/tiers/early");
        await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/tiers/standard", new
        {
            name = "Standard", prices = new { EUR = 9900 }, shipsTo = new[] { "FR" }, shipping = new { FR = 900 }, estimatedDelivery = "2027-10",
        });

        var launch = await team.PostAsync($"/team/v1/campaigns/{slug}/launch", null);

        await Http.AssertProblemAsync(launch, 422, "launch-blocked");
        var fields = (await Http.JsonAsync(await team.PostAsync($"/team/v1/campaigns/{slug}/launch", null)))
            .GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.That(fields, Is.EquivalentTo(new[] { "tiers.standard.prices.USD", "tiers.standard.prices.CAD" }));
    }
}
