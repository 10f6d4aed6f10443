using System.Net;
using System.Security.Cryptography;
using System.Text;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

/// <summary>
/// Saving the card at pledge time, end to end over HTTP: the host makes setups at the Stripe emulator through Stripe.net,
/// the backer's "browser" confirms them at the emulator, and the emulator's signed webhooks confirm the pledges.
/// </summary>
public sealed class CardSetupApiTests
{
    [Test]
    public async Task A_pledge_in_each_launch_country_is_confirmed_by_a_real_signed_webhook()
    {
        var slug = await ApiHost.LaunchCampaignAsync("cards");
        using var client = ApiHost.Client();
        var pledges = new List<(string Id, string Token)>();
        foreach (var (country, postal) in new[] { ("FR", "75002"), ("DE", "10115"), ("ES", "28001"), ("US", "94103"), ("CA", "K1A 0B1") })
        {
            var created = await Http.JsonAsync(await Http.PostPledgeAsync(client, slug, Http.Pledge("standard", country, 1, postal)));
            pledges.Add((created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!));
        }

        foreach (var (id, token) in pledges)
        {
            var (status, intent) = await Http.SaveCardAsync(client, id, token);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), intent.ToString());
            Assert.That(intent.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
        }
        foreach (var (id, token) in pledges) await Http.StatusAsync(client, id, token, "Confirmed");

        // Each confirmation came from a delivery the host accepted, signed by the emulator.
        var intents = (await SetupIntentsAsync(pledges.Select(p => Guid.Parse(p.Id)))).ToHashSet();
        var delivered = ApiHost.Emulator.Events().Where(e => e.Type == "setup_intent.succeeded" && intents.Contains(e.ObjectId))
            .Select(e => e.Id).ToHashSet();
        Assert.That(delivered, Has.Count.EqualTo(5));
        // The emulator records a delivery once our answer reaches it, which can be after the pledge shows the change.
        await Eventually.Until(() => Task.FromResult(ApiHost.Emulator.WebhookDeliveries()
            .Where(d => delivered.Contains(d.EventId) && d.Succeeded).Select(d => d.EventId).Distinct().Count() == 5),
            "each of the five events delivered and accepted");
        Assert.That((await PledgeCountsAsync(slug)).Confirmed, Is.EqualTo(5));
    }

    [Test]
    public async Task A_declined_card_leaves_the_pledge_reserved_with_the_reason_and_a_second_card_confirms_it()
    {
        var (client, id, token) = await PledgeAsync("declined");

        var (declined, error) = await Http.SaveCardAsync(client, id, token, "pm_card_chargeDeclinedInsufficientFunds");
        Assert.That(declined, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(error.GetProperty("error").GetProperty("decline_code").GetString(), Is.EqualTo("insufficient_funds"));
        await Eventually.Until(async () => (await SetupAsync(client, id, token)).GetProperty("status").GetString() == "Failed",
            "the setup_failed event reaches the pledge");
        var failed = await SetupAsync(client, id, token);
        Assert.That(failed.GetProperty("failure").GetProperty("declineCode").GetString(), Is.EqualTo("insufficient_funds"));
        Assert.That(failed.GetProperty("failure").GetProperty("code").GetString(), Is.EqualTo("card_declined"));
        Assert.That(await StatusOfAsync(client, id, token), Is.EqualTo("Reserved"));

        var (saved, _) = await Http.SaveCardAsync(client, id, token, "pm_card_visa");

        Assert.That(saved, Is.EqualTo(HttpStatusCode.OK));
        await Http.StatusAsync(client, id, token, "Confirmed");
        Assert.That((await SetupAsync(client, id, token)).GetProperty("attempt").GetInt32(), Is.EqualTo(1), "the same setup took the second card");
    }

    [Test]
    public async Task The_same_event_three_times_and_events_out_of_order_count_once()
    {
        var (client, id, token) = await PledgeAsync("replay");
        await Http.SaveCardAsync(client, id, token, "pm_card_chargeDeclined");
        await Http.SaveCardAsync(client, id, token, "pm_card_visa");
        await Http.StatusAsync(client, id, token, "Confirmed");
        var intent = (await SetupIntentsAsync([Guid.Parse(id)])).Single();
        var events = ApiHost.Emulator.Events().Where(e => e.ObjectId == intent).ToList();
        var failure = events.Single(e => e.Type == "setup_intent.setup_failed");
        var success = events.Single(e => e.Type == "setup_intent.succeeded");

        // Three more deliveries of the success, then the older failure arriving last.
        using var stripe = new HttpClient { BaseAddress = ApiHost.BaseAddress };
        foreach (var _ in Enumerable.Range(0, 3))
        {
            var repeat = await DeliverAsync(stripe, success.Json, DateTimeOffset.UtcNow);
            Assert.That(repeat.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await Http.JsonAsync(repeat)).GetProperty("repeat").GetBoolean(), Is.True);
        }
        Assert.That((await DeliverAsync(stripe, failure.Json, DateTimeOffset.UtcNow)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(await StatusOfAsync(client, id, token), Is.EqualTo("Confirmed"));
        Assert.That((await SetupAsync(client, id, token)).GetProperty("status").GetString(), Is.EqualTo("Succeeded"));
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        // Every event about the setup was recorded, once (the table's key would refuse a second row anyway).
        await Eventually.Until(async () => (await connection.QueryAsync<string>(
                "SELECT event_id FROM payment_events WHERE object_id = @intent", new { intent })).Order()
            .SequenceEqual(ApiHost.Emulator.Events().Where(e => e.ObjectId == intent).Select(e => e.Id).Order()),
            "each event about the setup is recorded once");
        var tier = await Http.JsonAsync(await ApiHost.Team().GetAsync($"/team/v1/campaigns/{await SlugOfAsync(id)}/tiers/standard"));
        Assert.That(tier.GetProperty("confirmedUnits").GetInt32(), Is.EqualTo(1), "counted once");
    }

    [TestCase("forged")]
    [TestCase("stale")]
    [TestCase("unsigned")]
    public async Task A_forged_stale_or_unsigned_event_is_refused_and_changes_nothing(string how)
    {
        var (client, id, token) = await PledgeAsync("forged");
        await Http.ReadySetupAsync(client, id, token);
        var intent = (await SetupIntentsAsync([Guid.Parse(id)])).Single();
        // A success the emulator never sent, for this pledge's setup: the body is well formed, only its proof differs.
        var body = ApiHost.Emulator.Events().Last(e => e.Type == "setup_intent.succeeded").Json;
        var succeededElsewhere = ApiHost.Emulator.Events().Last(e => e.Type == "setup_intent.succeeded").ObjectId;
        body = body.Replace(succeededElsewhere, intent, StringComparison.Ordinal).Replace("\"evt_", "\"evt_forged", StringComparison.Ordinal);
        using var stripe = new HttpClient { BaseAddress = ApiHost.BaseAddress };

        var response = how switch
        {
            "forged" => await DeliverAsync(stripe, body, DateTimeOffset.UtcNow, secret: "whsec_not_the_secret"),
            "stale" => await DeliverAsync(stripe, body, DateTimeOffset.UtcNow.AddMinutes(-6)),
            _ => await stripe.PostAsync("/webhooks/stripe", new StringContent(body, Encoding.UTF8, "application/json")),
        };

        await Http.AssertProblemAsync(response, 400, "webhook-rejected");
        Assert.That(await StatusOfAsync(client, id, token), Is.EqualTo("Reserved"));
        Assert.That((await SetupAsync(client, id, token)).GetProperty("status").GetString(), Is.EqualTo("Ready"));
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM payment_events WHERE event_id LIKE 'evt_forged%'"), Is.Zero);
    }

    [Test]
    public async Task With_a_fifth_of_the_providers_answers_failing_every_setup_ends_confirmed_and_none_is_made_twice()
    {
        var slug = await ApiHost.LaunchCampaignAsync("faults");
        using var client = ApiHost.Client();
        var pledges = new List<(string Id, string Token)>();
        for (var i = 0; i < 20; i++)
        {
            var created = await Http.JsonAsync(await Http.PostPledgeAsync(client, slug,
                Http.Pledge("standard", email: $"faults-{i}-{Guid.NewGuid():N}@example.com")));
            pledges.Add((created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!));
        }
        var setupsBefore = ApiHost.Emulator.Stats().SetupIntents;
        ApiHost.Emulator.Faults = new FaultOptions { ServerErrorRate = 0.07, RateLimitRate = 0.07, DropAfterWriteRate = 0.06, Seed = 7 };
        List<System.Text.Json.JsonElement> ready;
        try
        {
            ready = (await Task.WhenAll(pledges.Select(p => Http.ReadySetupAsync(client, p.Id, p.Token)))).ToList();
        }
        finally
        {
            // The backers' browsers confirm with a quiet provider: the faults are for the host's own calls.
            ApiHost.Emulator.Faults = new FaultOptions();
        }

        Assert.That(ready.Select(s => s.GetProperty("status").GetString()), Is.All.EqualTo("Ready"));
        Assert.That(ApiHost.Emulator.Stats().SetupIntents - setupsBefore, Is.EqualTo(20), "no setup made twice");
        foreach (var (id, token) in pledges) Assert.That((await Http.SaveCardAsync(client, id, token)).Status, Is.EqualTo(HttpStatusCode.OK));
        foreach (var (id, token) in pledges) await Http.StatusAsync(client, id, token, "Confirmed");
    }

    [Test]
    public async Task A_queued_setup_whose_silo_lost_its_line_is_queued_again_by_the_backers_next_look()
    {
        var (client, id, token) = await PledgeAsync("lost");
        // Asked for through a silo that died before making it: the row says Queued, no line holds it, and its expected
        // time is long past.
        var pledge = ApiHost.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<Grains.IPledgeGrain>(Guid.Parse(id));
        var asked = await pledge.RequestPaymentSetupAsync(Api.PledgeTokens.Hash(token), TimeSpan.FromMinutes(-1));
        Assert.That(asked.Setup!.Status, Is.EqualTo(Messages.Payments.SetupStatus.Queued));

        // The page only looks (GET); nothing else asks for the setup again.
        await Eventually.Until(async () => (await SetupAsync(client, id, token)).GetProperty("status").GetString() == "Ready",
            "the backer's look queues the lost setup again and it is made");

        Assert.That((await SetupAsync(client, id, token)).GetProperty("attempt").GetInt32(), Is.EqualTo(1), "the same setup, made once");
    }

    private static async Task<(HttpClient Client, string Id, string Token)> PledgeAsync(string prefix)
    {
        var slug = await ApiHost.LaunchCampaignAsync(prefix);
        var client = ApiHost.Client();
        var created = await Http.JsonAsync(await Http.PostPledgeAsync(client, slug, Http.Pledge("standard")));
        return (client, created.GetProperty("id").GetString()!, created.GetProperty("token").GetString()!);
    }

    private static async Task<System.Text.Json.JsonElement> SetupAsync(HttpClient client, string id, string token) =>
        await Http.JsonAsync(await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{id}/payment-setup", token)));

    private static async Task<string?> StatusOfAsync(HttpClient client, string id, string token) =>
        (await Http.JsonAsync(await client.SendAsync(Http.WithToken(HttpMethod.Get, $"/v1/pledges/{id}", token))))
            .GetProperty("status").GetString();

    /// <summary>Posts an event as Stripe does: signed with HMAC-SHA256 over "{timestamp}.{body}" with the endpoint's secret.</summary>
    private static Task<HttpResponseMessage> DeliverAsync(HttpClient stripe, string body, DateTimeOffset signedAt,
        string secret = ApiHost.WebhookSecret)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", $"t={timestamp},v1={signature}");
        return stripe.SendAsync(request);
    }

    private static async Task<IEnumerable<string>> SetupIntentsAsync(IEnumerable<Guid> pledges)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.QueryAsync<string>(
            "SELECT setup_intent_id FROM payment_setups WHERE pledge_id = ANY(@ids) AND setup_intent_id IS NOT NULL",
            new { ids = pledges.ToArray() });
    }

    private static async Task<string> SlugOfAsync(string pledgeId)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT campaign_id FROM pledges WHERE id = @id", new { id = Guid.Parse(pledgeId) }) ?? "";
    }

    private static async Task<(int Confirmed, int Rows)> PledgeCountsAsync(string slug)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int)>(
            "SELECT count(*) FILTER (WHERE status = 'Confirmed')::int, count(*)::int FROM pledges WHERE campaign_id = @slug", new { slug });
    }
}
