using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crowdfund.Grains;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Host.Tests;

/// <summary>
/// The money after the end, on the real host with its own emulator: each confirmed pledge charged once for its stored
/// total, failures fixed by the backer or dropped, a failed campaign charging nobody, refunds and disputes, and the
/// ledger agreeing with the provider afterwards.
/// </summary>
public sealed class CollectionTests : MoneyHostFixture
{
    [Test]
    public async Task Every_confirmed_pledge_in_the_five_countries_is_charged_once_for_its_stored_total_in_its_own_currency()
    {
        var slug = await Money.LaunchAsync("collect", goalUnits: 5);
        var backers = new List<Backer>();
        foreach (var country in new[] { "FR", "DE", "ES", "US", "CA" }) backers.Add(await Money.PledgeAsync(slug, country));
        Assert.That(backers.Select(b => b.Currency).Distinct(), Is.EquivalentTo(new[] { "EUR", "USD", "CAD" }));

        await Money.EndAsync(slug);
        var run = await Money.CollectionAsync(slug);

        Assert.That(run.GetProperty("pledges").GetProperty("Collected").GetInt32(), Is.EqualTo(5));
        Assert.That(run.GetProperty("collectedUnits").GetInt32(), Is.EqualTo(5));
        foreach (var backer in backers)
        {
            await Money.StatusAsync(backer, "Collected");
            var charges = ChargesOf(backer);
            Assert.That(charges.Select(c => (c.Status, c.Amount, c.Currency)),
                Is.EqualTo(new[] { ("succeeded", backer.Total, backer.Currency.ToLowerInvariant()) }), $"the charges of {backer.Id}");
            Assert.That((await Money.PaymentAsync(backer)).GetProperty("payment").GetProperty("collected").GetInt64(), Is.EqualTo(backer.Total));
        }
        await AssertToldOnceAsync(backers[0], "CampaignSucceeded", "PaymentCollected");
        // Each backer is told in their country's language (no locale was asked for).
        var received = new[] { "Paiement reçu pour", "Zahlung für", "Pago recibido para", "Payment received for", "Payment received for" };
        for (var i = 0; i < backers.Count; i++) await Money.MailedOnceAsync(backers[i], received[i]);
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task A_declined_charge_is_fixed_with_a_new_card_and_collected()
    {
        var slug = await Money.LaunchAsync("decline", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "DE", card: "pm_card_chargeCustomerFail");

        await Money.EndAsync(slug);
        await Money.StatusAsync(backer, "PaymentFailed");
        var failed = (await Money.PaymentAsync(backer)).GetProperty("payment");
        Assert.That(failed.GetProperty("declineCode").GetString(), Is.EqualTo("generic_decline"));
        Assert.That(failed.GetProperty("fixBy").GetDateTimeOffset(), Is.EqualTo(Money.Clock.GetUtcNow().AddDays(7)).Within(TimeSpan.FromMinutes(1)));
        // The backer learns it by mail, in German, with the link to their pledge.
        var mail = await Money.MailedOnceAsync(backer, "Handlungsbedarf: Ihre Zahlung für");
        Assert.That(mail.TextBody, Does.Contain($"/pledges/{backer.Id}?token={Uri.EscapeDataString(backer.Token)}"));

        using var client = Money.Client();
        var (status, answer) = await Http.SaveCardAsync(client, backer.Id, backer.Token, "pm_card_visa", Money.Emulator.BaseUrl);
        Assert.That((int)status, Is.EqualTo(200), answer.ToString());
        await Money.StatusAsync(backer, "Collected");

        Assert.That(ChargesOf(backer).Select(c => (c.Status, c.Amount)),
            Is.EqualTo(new[] { ("failed", backer.Total), ("succeeded", backer.Total) }));
        await AssertToldOnceAsync(backer, "PaymentFailed", "PaymentCollected");
        await Money.MailedOnceAsync(backer, "Zahlung für Retro phone erhalten");
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task A_charge_the_bank_wants_authenticated_is_completed_by_the_backer_and_collected()
    {
        var slug = await Money.LaunchAsync("sca", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "FR", card: "pm_card_authenticationRequired");

        await Money.EndAsync(slug);
        await Money.StatusAsync(backer, "ActionRequired");
        await Money.MailedOnceAsync(backer, "Action requise : confirmez votre paiement");
        var payment = await Money.PaymentAsync(backer);
        var action = payment.GetProperty("payment").GetProperty("action");
        var intent = action.GetProperty("paymentIntentId").GetString()!;

        // What Stripe.js does on the backer's page: confirm the payment on-session with the saved card, then 3-D Secure.
        using var browser = new HttpClient { BaseAddress = new Uri(Money.Emulator.BaseUrl) };
        var confirmed = await browser.PostAsync($"/v1/payment_intents/{intent}/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["key"] = payment.GetProperty("publishableKey").GetString()!,
            ["client_secret"] = action.GetProperty("clientSecret").GetString()!,
            ["payment_method"] = action.GetProperty("paymentMethodId").GetString()!,
        }));
        Assert.That((await Http.JsonAsync(confirmed)).GetProperty("status").GetString(), Is.EqualTo("requires_action"));
        Assert.That(Money.Emulator.CompleteAuthentication(intent), Is.True);

        await Money.StatusAsync(backer, "Collected");
        Assert.That(ChargesOf(backer).Count(c => c.Status == "succeeded"), Is.EqualTo(1));
        await AssertToldOnceAsync(backer, "ActionRequired", "PaymentCollected");
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task A_pledge_not_fixed_within_the_window_is_dropped_its_rewards_released_and_editions_numbered_without_gap()
    {
        // The goal is met at the end (four units), and missed once the unpaid pledge's two are dropped.
        var slug = await Money.LaunchAsync("drop", goalUnits: 4);
        var first = await Money.PledgeAsync(slug, "FR", tierId: "early");
        var unpaid = await Money.PledgeAsync(slug, "ES", card: "pm_card_chargeCustomerFail", tierId: "early", quantity: 2);
        var last = await Money.PledgeAsync(slug, "US", tierId: "early");

        await Money.EndAsync(slug);
        await Money.StatusAsync(unpaid, "PaymentFailed");
        var waiting = await Money.CollectionAsync(slug, "Running");
        Assert.That(waiting.GetProperty("pledges").GetProperty("PaymentFailed").GetInt32(), Is.EqualTo(1));

        // Two retries fall in the window (every 48 hours), then the window closes.
        Money.Clock.Advance(TimeSpan.FromDays(8));
        await Money.Grains.GetGrain<ICollectionGrain>(slug).WakeAsync();
        await Money.StatusAsync(unpaid, "Dropped");
        var run = await Money.CollectionAsync(slug);

        Assert.That(run.GetProperty("collectedUnits").GetInt32(), Is.EqualTo(2));
        Assert.That(run.GetProperty("belowGoal").GetBoolean(), Is.True);
        Assert.That(run.GetProperty("byCountry").EnumerateArray().Select(c => (c.GetProperty("key").GetString(), c.GetProperty("droppedUnits").GetInt32()))
            .Where(c => c.Item2 > 0), Is.EqualTo(new[] { ("ES", 2) }));
        using var team = Money.Team();
        var editions = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/tiers/early/editions"));
        var numbers = editions.EnumerateArray().ToDictionary(e => e.GetProperty("pledgeId").GetString()!,
            e => (e.GetProperty("firstNumber").GetInt32(), e.GetProperty("lastNumber").GetInt32()));
        Assert.That(numbers, Is.EquivalentTo(new Dictionary<string, (int, int)> { [first.Id] = (1, 1), [last.Id] = (2, 2) }));
        var dashboard = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/dashboard"));
        Assert.That(dashboard.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()),
            Does.Contain("collected_below_goal"), "the team is told the collected units fell below the goal");
        var tier = await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/tiers/early"));
        Assert.That(tier.GetProperty("remaining").GetInt32(), Is.EqualTo(8), "the dropped pledge's two rewards are released");
        await AssertToldOnceAsync(unpaid, "PaymentFailed", "PledgeDropped");
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task A_failed_campaign_charges_nobody_lets_every_card_go_and_tells_every_backer()
    {
        var slug = await Money.LaunchAsync("fail", goalUnits: 500);
        var backer = await Money.PledgeAsync(slug, "FR");
        var other = await Money.PledgeAsync(slug, "CA");
        // A replaced card is let go too.
        using (var client = Money.Client())
            Assert.That((int)(await Http.SaveCardAsync(client, other.Id, other.Token, "pm_card_mastercard", Money.Emulator.BaseUrl)).Status, Is.EqualTo(200));

        await Money.EndAsync(slug);
        await Money.CollectionAsync(slug);

        foreach (var pledge in new[] { backer, other })
        {
            await Money.StatusAsync(pledge, "Released");
            Assert.That(ChargesOf(pledge), Is.Empty);
            await AssertToldOnceAsync(pledge, "CampaignFailed");
        }
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var cards = (await connection.QueryAsync<string>(
            "SELECT DISTINCT payment_method_id FROM payment_setups WHERE pledge_id = ANY(@ids) AND status = 'Succeeded'",
            new { ids = new[] { Guid.Parse(backer.Id), Guid.Parse(other.Id) } })).ToList();
        Assert.That(cards, Has.Count.EqualTo(3));
        var stripe = new Stripe.StripeClient(Money.Emulator.SecretKey, apiBase: Money.Emulator.BaseUrl);
        foreach (var card in cards)
            Assert.That((await stripe.V1.PaymentMethods.GetAsync(card)).CustomerId, Is.Null, $"{card} is detached");
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task The_team_refunds_in_part_then_the_rest_never_more_than_collected_and_a_repeated_request_is_one_refund()
    {
        var slug = await Money.LaunchAsync("refund", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "US");
        await Money.EndAsync(slug);
        await Money.StatusAsync(backer, "Collected");
        using var team = Money.Team();

        var tooMuch = await MoneyHost.RefundAsync(team, backer, "too-much", backer.Total + 1);
        await Http.AssertProblemAsync(tooMuch, 422, "refund-exceeds-collected");
        var part = await MoneyHost.RefundAsync(team, backer, "part", 1000);
        Assert.That((int)part.StatusCode, Is.EqualTo(200), await part.Content.ReadAsStringAsync());
        var again = await MoneyHost.RefundAsync(team, backer, "part", 1000);
        var answer = await Http.JsonAsync(again);
        Assert.That(answer.GetProperty("pledgeStatus").GetString(), Is.EqualTo("PartiallyRefunded"));
        Assert.That(answer.GetProperty("refunded").GetInt64(), Is.EqualTo(1000));
        var rest = await Http.JsonAsync(await MoneyHost.RefundAsync(team, backer, "rest", null));
        Assert.That(rest.GetProperty("amount").GetInt64(), Is.EqualTo(backer.Total - 1000));
        Assert.That(rest.GetProperty("pledgeStatus").GetString(), Is.EqualTo("Refunded"));
        await Http.AssertProblemAsync(await MoneyHost.RefundAsync(team, backer, "more", 1), 409, "refund-not-allowed");

        Assert.That(Money.Emulator.Refunds().Where(r => ChargesOf(backer).Any(c => c.Id == r.ChargeId)).Select(r => r.Amount),
            Is.EqualTo(new[] { 1000L, backer.Total - 1000 }));
        // The provider's charge.refunded events come later and change nothing.
        await Task.Delay(500);
        Assert.That((await Money.PaymentAsync(backer)).GetProperty("payment").GetProperty("refunded").GetInt64(), Is.EqualTo(backer.Total));
        await AssertToldOnceAsync(backer, "Refunded", "Refunded");
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task A_dispute_marks_the_pledge_and_a_won_dispute_puts_it_back_to_collected()
    {
        var slug = await Money.LaunchAsync("dispute", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "ES", card: "pm_card_createDispute");
        await Money.EndAsync(slug);
        await Money.StatusAsync(backer, "Disputed");

        var dispute = Money.Emulator.Disputes().Single(d => ChargesOf(backer).Any(c => c.Id == d.ChargeId));
        using (var team = Money.Team())
            await Http.AssertProblemAsync(await MoneyHost.RefundAsync(team, backer, "during-dispute", null), 409, "refund-not-allowed");
        Money.Emulator.CloseDispute(dispute.Id, won: true);
        await Money.StatusAsync(backer, "Collected");
        await AssertReconciledAsync(slug);
    }

    [Test]
    public async Task The_team_pauses_and_resumes_the_run_and_the_charge_in_flight_still_settles_once()
    {
        var slug = await Money.LaunchAsync("pause", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "FR");
        using var team = Money.Team();
        await Http.AssertProblemAsync(await team.PostAsync($"/team/v1/campaigns/{slug}/collection/pause", null), 404, "collection-not-found");
        // The provider answers slowly, and the pause waits for the pledge's row to say its charge is under way (written
        // before the call; the grain itself answers no one until the call is back), so that it lands while the charge is
        // in flight: pausing as soon as the run started could land before its first pass had read the pledge, and then
        // nothing was charged while paused.
        Money.Emulator.Faults = new FaultOptions { SlowRate = 1, SlowDelay = TimeSpan.FromSeconds(5) };
        try
        {
            await Money.EndAsync(slug);
            await using (var connection = await TestDatabase.DataSource.OpenConnectionAsync())
                await Eventually.Until(async () => await connection.ExecuteScalarAsync<string>(
                    "SELECT status FROM pledges WHERE id = @id", new { id = Guid.Parse(backer.Id) }) == "PaymentPending",
                    $"pledge {backer.Id}'s charge is under way");
            var paused = await Http.JsonAsync(await team.PostAsync($"/team/v1/campaigns/{slug}/collection/pause", null));
            Assert.That(paused.GetProperty("status").GetString(), Is.EqualTo("Paused"));
            await Money.StatusAsync(backer, "Collected");
            Assert.That((await Http.JsonAsync(await team.GetAsync($"/team/v1/campaigns/{slug}/collection"))).GetProperty("status").GetString(),
                Is.EqualTo("Paused"), "a paused run stays paused when its last charge settles");
        }
        finally
        {
            Money.Emulator.Faults = new FaultOptions();
        }
        var resumed = await Http.JsonAsync(await team.PostAsync($"/team/v1/campaigns/{slug}/collection/resume", null));
        Assert.That(resumed.GetProperty("status").GetString(), Is.AnyOf("Running", "Finished"));
        await Money.CollectionAsync(slug);
        await Money.StatusAsync(backer, "Collected");
        Assert.That(ChargesOf(backer), Has.Count.EqualTo(1));
    }

    [TestCase(3, "Collected")]
    [TestCase(500, "Released")]
    public async Task A_finished_run_leaves_none_of_its_pledges_activated(int goalUnits, string settled)
    {
        var slug = await Money.LaunchAsync("idle", goalUnits);
        var backers = new List<Backer>();
        foreach (var country in new[] { "FR", "US", "CA" }) backers.Add(await Money.PledgeAsync(slug, country));

        await Money.EndAsync(slug);
        var run = await Money.CollectionAsync(slug);
        Assert.That(run.GetProperty("pledges").GetProperty(settled).GetInt32(), Is.EqualTo(3));

        // A run reaches every pledge of its campaign once: an activation kept for Orleans' idle period afterwards would
        // hold memory for each pledge charged. Stripe's events about the charges may come a little later; they let go too.
        var pledges = backers.Select(b => Money.Grains.GetGrain<IPledgeGrain>(Guid.Parse(b.Id)).GetGrainId()).ToHashSet();
        var management = Money.Grains.GetGrain<IManagementGrain>(0);
        await Eventually.Until(async () => !(await management.GetActiveGrains(pledges.First().Type)).Any(pledges.Contains),
            "no pledge of the finished run is still activated");
    }

    private List<ChargeSnapshot> ChargesOf(Backer backer) =>
        Money.Emulator.Charges().Where(c => c.Metadata.GetValueOrDefault("pledge_id") == backer.Id).ToList();

    /// <summary>Each kind of message to the backer was written once (in order of the list, a kind listed twice twice).</summary>
    private static async Task AssertToldOnceAsync(Backer backer, params string[] kinds)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        var written = (await connection.QueryAsync<string>("""
            SELECT payload->'data'->>'kind' FROM outbox
             WHERE topic = 'backer.message' AND payload->'data'->>'pledgeId' = @id ORDER BY id
            """, new { id = backer.Id })).ToList();
        foreach (var kind in kinds.Distinct())
            Assert.That(written.Count(w => string.Equals(w, kind, StringComparison.OrdinalIgnoreCase)), Is.EqualTo(kinds.Count(k => k == kind)),
                $"{kind} messages of {backer.Id} among {string.Join(", ", written)}");
    }

    private async Task AssertReconciledAsync(string slug)
    {
        using var team = Money.Team();
        var response = await team.GetAsync($"/team/v1/campaigns/{slug}/reconciliation");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), text);
        var report = JsonDocument.Parse(text).RootElement;
        Assert.That(report.GetProperty("pledges").GetArrayLength(), Is.Zero, text);
    }
}
