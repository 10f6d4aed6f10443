using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Grains.Tests;

/// <summary>
/// The card of a pledge, as the pledge grain settles it: setups asked for, made, and decided by provider events that
/// may come twice, late or out of order. The provider's side is the setup queue's and the webhook's; here the events
/// are handed to the grain as the webhook would after verifying them.
/// </summary>
public sealed class CardSetupTests
{
    private static GrainWorld world => SharedSilo.World;

    [Test]
    public async Task A_setup_request_queues_once_and_its_wait_extends_the_reservation()
    {
        var (slug, request, pledge) = await ReserveAsync("queue");
        var before = (await pledge.GetAsync(request.TokenHash)).Pledge!.HoldExpiresAt!.Value;

        var first = await pledge.RequestPaymentSetupAsync(request.TokenHash, TimeSpan.FromMinutes(20));
        var again = await pledge.RequestPaymentSetupAsync(request.TokenHash, TimeSpan.FromMinutes(20));

        Assert.That(first.Setup!.Status, Is.EqualTo(SetupStatus.Queued));
        Assert.That(first.Ticket, Is.EqualTo(new SetupTicket(request.PledgeId, slug, 1, "ada@example.com")));
        Assert.That(again.Setup!.Attempt, Is.EqualTo(1), "asking twice makes one setup");
        var hold = (await pledge.GetAsync(request.TokenHash)).Pledge!.HoldExpiresAt!.Value;
        // PostgreSQL keeps microseconds.
        Assert.That(hold, Is.EqualTo(world.Clock.GetUtcNow() + TimeSpan.FromMinutes(35)).Within(TimeSpan.FromMilliseconds(1)),
            "the wait in line plus a hold window");
        Assert.That(hold, Is.GreaterThan(before));
        // The tier follows: the reservation does not expire at its first deadline.
        world.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.That(await world.Tier(slug, "early").ExpireDueAsync(), Is.Zero);
    }

    [Test]
    public async Task A_saved_card_confirms_the_pledge_once_however_often_the_event_comes()
    {
        var (slug, request, pledge) = await ReadyAsync("saved");
        var succeeded = Event(request.PledgeId, 1, PaymentEvent.SetupSucceeded, paymentMethod: "pm_1");

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => pledge.ApplyPaymentEventAsync(succeeded)));

        var view = (await pledge.GetAsync(request.TokenHash)).Pledge!;
        Assert.That(view.Status, Is.EqualTo(PledgeStatus.Confirmed));
        Assert.That((await pledge.GetPaymentSetupAsync(request.TokenHash)).Setup!.Status, Is.EqualTo(SetupStatus.Succeeded));
        Assert.That((await world.Tier(slug, "early").GetSnapshotAsync()).ConfirmedUnits, Is.EqualTo(1));
        Assert.That(await CardAsync(request.PledgeId), Is.EqualTo(("cus_1", "pm_1")));
    }

    [Test]
    public async Task A_refused_card_leaves_the_reservation_with_its_reason_and_another_card_confirms_it()
    {
        var (_, request, pledge) = await ReadyAsync("declined");

        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupFailed, at: 10,
            code: "card_declined", decline: "insufficient_funds"));

        var failed = (await pledge.GetPaymentSetupAsync(request.TokenHash)).Setup!;
        Assert.That((failed.Status, failed.FailureCode, failed.DeclineCode),
            Is.EqualTo((SetupStatus.Failed, "card_declined", "insufficient_funds")));
        Assert.That((await pledge.GetAsync(request.TokenHash)).Pledge!.Status, Is.EqualTo(PledgeStatus.Reserved));
        // The backer tries again: the same setup, with the same client secret, takes another card.
        var retry = await pledge.RequestPaymentSetupAsync(request.TokenHash, TimeSpan.Zero);
        Assert.That((retry.Setup!.Attempt, retry.Setup.ClientSecret, retry.Ticket),
            Is.EqualTo((1, Secret(request.PledgeId, 1), (SetupTicket?)null)));

        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupSucceeded, at: 20, paymentMethod: "pm_2"));

        Assert.That((await pledge.GetAsync(request.TokenHash)).Pledge!.Status, Is.EqualTo(PledgeStatus.Confirmed));
        Assert.That((await pledge.GetPaymentSetupAsync(request.TokenHash)).Setup!.FailureCode, Is.Null);
    }

    [Test]
    public async Task Events_out_of_order_reach_the_same_end_as_in_order()
    {
        var (_, request, pledge) = await ReadyAsync("order");

        // The success was created after the failure, but arrives first.
        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupSucceeded, at: 20, paymentMethod: "pm_2"));
        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupRequiresAction, at: 5));
        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupFailed, at: 10, code: "card_declined"));

        var setup = (await pledge.GetPaymentSetupAsync(request.TokenHash)).Setup!;
        Assert.That((setup.Status, setup.FailureCode), Is.EqualTo((SetupStatus.Succeeded, (string?)null)));
        Assert.That((await pledge.GetAsync(request.TokenHash)).Pledge!.Status, Is.EqualTo(PledgeStatus.Confirmed));
    }

    [Test]
    public async Task A_replaced_card_is_kept_even_when_the_old_setups_success_arrives_last()
    {
        var (_, request, pledge) = await ReadyAsync("replace");
        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupSucceeded, at: 10, paymentMethod: "pm_old"));

        var second = await pledge.RequestPaymentSetupAsync(request.TokenHash, TimeSpan.Zero);
        Assert.That(second.Setup!.Attempt, Is.EqualTo(2), "a saved card is replaced through a new setup");
        await pledge.SetupCreatedAsync(2, Intent(request.PledgeId, 2), Secret(request.PledgeId, 2), "cus_1");
        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 2, PaymentEvent.SetupSucceeded, at: 30, paymentMethod: "pm_new"));
        await pledge.ApplyPaymentEventAsync(Event(request.PledgeId, 1, PaymentEvent.SetupSucceeded, at: 10, paymentMethod: "pm_old", id: "evt_again"));

        Assert.That(await CardAsync(request.PledgeId), Is.EqualTo(("cus_1", "pm_new")));
        Assert.That((await pledge.GetAsync(request.TokenHash)).Pledge!.Status, Is.EqualTo(PledgeStatus.Confirmed));
    }

    [Test]
    public async Task A_reservation_past_its_hold_gets_no_setup_and_expires()
    {
        var (slug, request, pledge) = await ReserveAsync("late");
        world.Clock.Advance(TimeSpan.FromMinutes(16));

        var refused = await pledge.RequestPaymentSetupAsync(request.TokenHash, TimeSpan.Zero);

        Assert.That(refused.Refusal, Is.EqualTo(Refusal.InvalidPledgeState));
        Assert.That((await pledge.GetAsync(request.TokenHash)).Pledge!.Status, Is.EqualTo(PledgeStatus.Expired));
        Assert.That((await world.Tier(slug, "early").GetSnapshotAsync()).RewardsHeld, Is.Zero);
    }

    private static async Task<(string Slug, ReserveRequest Request, IPledgeGrain Pledge)> ReserveAsync(string prefix)
    {
        var slug = await world.LaunchAsync(prefix, 500, GrainWorld.Tier("early", limit: 10));
        var request = GrainWorld.Request();
        Assert.That((await world.Tier(slug, "early").ReserveAsync(request)).Refusal, Is.EqualTo(Refusal.None));
        return (slug, request, world.Grains.GetGrain<IPledgeGrain>(request.PledgeId));
    }

    /// <summary>A reservation whose first setup exists at the provider, as the setup queue leaves it.</summary>
    private static async Task<(string Slug, ReserveRequest Request, IPledgeGrain Pledge)> ReadyAsync(string prefix)
    {
        var (slug, request, pledge) = await ReserveAsync(prefix);
        await pledge.RequestPaymentSetupAsync(request.TokenHash, TimeSpan.Zero);
        await pledge.SetupCreatedAsync(1, Intent(request.PledgeId, 1), Secret(request.PledgeId, 1), "cus_1");
        await pledge.SetupCreatedAsync(1, Intent(request.PledgeId, 1), Secret(request.PledgeId, 1), "cus_1");
        Assert.That((await pledge.GetPaymentSetupAsync(request.TokenHash)).Setup!.Status, Is.EqualTo(SetupStatus.Ready));
        return (slug, request, pledge);
    }

    private static PaymentEvent Event(Guid pledgeId, int attempt, string type, int at = 0, string? paymentMethod = null,
        string? code = null, string? decline = null, string? id = null) =>
        new(id ?? $"evt_{pledgeId:N}_{type}_{attempt}_{at}", type, new DateTimeOffset(2026, 11, 24, 12, 0, at, TimeSpan.Zero),
            Intent(pledgeId, attempt),
            pledgeId, attempt, "cus_1", paymentMethod, null, code, decline, code is null ? null : "Your card was declined.");

    private static string Intent(Guid pledgeId, int attempt) => $"seti_{pledgeId:N}_{attempt}";

    private static string Secret(Guid pledgeId, int attempt) => $"{Intent(pledgeId, attempt)}_secret";

    private static async Task<(string?, string?)> CardAsync(Guid pledgeId)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string?, string?)>(
            "SELECT customer_id, payment_method_id FROM pledges WHERE id = @pledgeId", new { pledgeId });
    }
}
