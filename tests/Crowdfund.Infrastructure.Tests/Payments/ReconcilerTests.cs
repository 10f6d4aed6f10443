using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The ledger read from PostgreSQL, and both sides of a campaign's payments reconciled against the emulator.</summary>
public sealed class ReconcilerTests
{
    [SetUp]
    public Task MigrateAsync() => Database.MigrateAsync();

    [Test]
    public async Task The_ledger_holds_the_charged_pledges_with_their_latest_payment_and_what_their_disputes_hold_back()
    {
        var campaign = Campaign();
        // Payment ids are unique in the ledger, and the database outlives a run.
        var (first, second, paid) = ($"pi_{Guid.NewGuid():N}", $"pi_{Guid.NewGuid():N}", $"pi_{Guid.NewGuid():N}");
        var collected = await LedgerRows.PledgeAsync(campaign, "Collected", "EUR", 7900, chargeAttempt: 2, paymentIntentId: second, collected: 7900);
        await LedgerRows.ChargeAsync(collected, 1, 7900, "EUR", first);
        var disputed = await LedgerRows.PledgeAsync(campaign, "Disputed", "USD", 8900, chargeAttempt: 1, paymentIntentId: paid, collected: 8900);
        await LedgerRows.DisputeAsync(disputed, $"dp_won_{disputed:N}", "won", 8900, "USD", DateTimeOffset.UtcNow.AddHours(-2));
        await LedgerRows.DisputeAsync(disputed, $"dp_open_{disputed:N}", "needs_response", 8900, "USD");
        var confirmed = await LedgerRows.PledgeAsync(campaign, "Confirmed", "EUR", 9900);
        await LedgerRows.PledgeAsync(Campaign(), "Collected", "EUR", 7900, chargeAttempt: 1, paymentIntentId: $"pi_{Guid.NewGuid():N}", collected: 7900);
        var store = new ReconciliationStore(TestDatabase.DataSource);

        var ledger = await store.ReadAsync(campaign);
        var asked = await store.ReadAsync(campaign, [confirmed, Guid.NewGuid()]);

        Assert.That(ledger, Is.EquivalentTo(new[]
        {
            new LedgerPledge(collected, "Collected", "EUR", 2, second, 7900, 0, 0, null),
            new LedgerPledge(disputed, "Disputed", "USD", 1, paid, 8900, 0, 8900, "needs_response"),
        }), "neither a pledge never charged nor another campaign's");
        Assert.That(asked, Is.EqualTo(new[] { new LedgerPledge(confirmed, "Confirmed", "EUR", 0, null, 0, 0, 0, null) }),
            "a pledge asked for by id, whatever its state; an unknown id is not there");
    }

    [Test]
    public async Task Payments_at_the_provider_and_their_ledger_rows_reconcile_to_zero_and_a_refund_the_ledger_missed_shows()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var campaign = Campaign();
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var reconciler = new Reconciler(gateway, new ReconciliationStore(TestDatabase.DataSource), TimeProvider.System);

        var paid = await Backers.PaidAsync(server, gateway, campaign, "pm_card_visa", 10000, "EUR");
        await LedgerRows.PledgeAsync(campaign, "Collected", "EUR", 10000, 1, paid.PaymentIntentId, collected: 10000, id: paid.Pledge);
        var refunded = await Backers.PaidAsync(server, gateway, campaign, "pm_card_visa", 8900, "USD");
        await gateway.RefundAsync(refunded.PaymentIntentId, 3000, new Dictionary<string, string>(), $"refund-{refunded.Pledge}");
        await LedgerRows.PledgeAsync(campaign, "PartiallyRefunded", "USD", 8900, 1, refunded.PaymentIntentId, collected: 8900, refunded: 3000, id: refunded.Pledge);
        var disputed = await Backers.PaidAsync(server, gateway, campaign, "pm_card_createDispute", 11900, "CAD");
        await LedgerRows.PledgeAsync(campaign, "Disputed", "CAD", 11900, 1, disputed.PaymentIntentId, collected: 11900, id: disputed.Pledge);
        await LedgerRows.DisputeAsync(disputed.Pledge, server.Disputes().Single().Id, "needs_response", 11900, "CAD");
        var declined = await Backers.PaidAsync(server, gateway, campaign, "pm_card_chargeCustomerFail", 7900, "EUR");
        await LedgerRows.PledgeAsync(campaign, "PaymentFailed", "EUR", 7900, 1, declined.PaymentIntentId, id: declined.Pledge);

        var balanced = await reconciler.ReconcileAsync(campaign, since);

        Assert.That(balanced.Pledges, Is.Empty);
        Assert.That(balanced.Balanced, Is.True);
        Assert.That(balanced.Currencies.Select(c => (c.Currency, c.Provider)), Is.EqualTo(new[]
        {
            ("CAD", new MoneyTotals(11900, 0, 11900, 375)),
            ("EUR", new MoneyTotals(10000, 0, 0, 320)),
            ("USD", new MoneyTotals(8900, 3000, 0, 288)),
        }), "fees of the emulator's model, 2.9 % + 30");

        await gateway.RefundAsync(paid.PaymentIntentId, 10000, new Dictionary<string, string>(), $"refund-{paid.Pledge}");
        var after = await reconciler.ReconcileAsync(campaign, since);

        Assert.That(after.Balanced, Is.False);
        Assert.That(after.Pledges.Select(p => (p.PledgeId, p.Differences.Single())), Is.EqualTo(new[] { (paid.Pledge, PledgeDifference.RefundedDiffers) }));
        Assert.That(after.Currencies.Single(c => c.Currency == "EUR").Difference, Is.EqualTo(new MoneyTotals(0, 10000, 0, null)));
    }

    private static string Campaign() => $"recon-{Guid.NewGuid():N}"[..20];
}
