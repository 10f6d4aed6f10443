using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The comparison of the ledger with the provider, one kind of disagreement at a time.</summary>
public sealed class ReconciliationTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset At = Since.AddDays(30);

    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    [Test]
    public void Both_sides_alike_are_balanced_with_zero_differences_in_each_currency_and_the_providers_fees()
    {
        var c = Guid.NewGuid();
        var d = Guid.NewGuid();
        var e = Guid.NewGuid();
        LedgerPledge[] ledger =
        [
            Held(A, "Collected", "EUR", 10000, paymentIntentId: "pi_a"),
            Held(B, "Refunded", "USD", 8900, refunded: 8900, paymentIntentId: "pi_b"),
            Held(c, "PartiallyRefunded", "EUR", 5000, refunded: 2000, paymentIntentId: "pi_c"),
            Held(d, "Disputed", "CAD", 6000, disputed: 6000, disputeStatus: "lost", paymentIntentId: "pi_d"),
            Held(e, "PaymentFailed", "EUR", 0, attempt: 2, paymentIntentId: "pi_e2"),
        ];
        ProviderPayment[] provider =
        [
            Paid(A, "pi_a", "EUR", 10000, fee: 320),
            Paid(B, "pi_b", "USD", 8900, refunded: 8900, fee: 288),
            Paid(c, "pi_c", "EUR", 5000, refunded: 2000, fee: 175),
            Paid(d, "pi_d", "CAD", 6000, disputed: 6000, disputeStatus: "lost", fee: 204),
            Failed(e, "pi_e1", "EUR", 4000, attempt: 1),
            Failed(e, "pi_e2", "EUR", 4000, attempt: 2),
        ];

        var report = Reconciliation.Compare("phone", Since, At, ledger, provider);

        Assert.That(report.Balanced, Is.True);
        Assert.That(report.Pledges, Is.Empty);
        Assert.That((report.CampaignId, report.Since, report.At), Is.EqualTo(("phone", Since, At)));
        Assert.That(report.Currencies, Is.EqualTo(new[]
        {
            new CurrencyTotals("CAD", new MoneyTotals(6000, 0, 6000, null), new MoneyTotals(6000, 0, 6000, 204), new MoneyTotals(0, 0, 0, null)),
            new CurrencyTotals("EUR", new MoneyTotals(15000, 2000, 0, null), new MoneyTotals(15000, 2000, 0, 495), new MoneyTotals(0, 0, 0, null)),
            new CurrencyTotals("USD", new MoneyTotals(8900, 8900, 0, null), new MoneyTotals(8900, 8900, 0, 288), new MoneyTotals(0, 0, 0, null)),
        }));
    }

    private static IEnumerable<TestCaseData> Disagreements()
    {
        yield return Case("collected in the ledger, declined at the provider",
            [Held(A, "Collected", "EUR", 10000, paymentIntentId: "pi_a")], [Failed(A, "pi_a", "EUR", 10000)],
            [PledgeDifference.NotPaidAtProvider, PledgeDifference.CollectedDiffers], -10000);
        yield return Case("collected in the ledger, no payment at the provider",
            [Held(A, "Collected", "EUR", 10000, paymentIntentId: "pi_a")], [],
            [PledgeDifference.NotPaidAtProvider, PledgeDifference.CollectedDiffers], -10000);
        yield return Case("paid at the provider, failed in the ledger",
            [Held(A, "PaymentFailed", "EUR", 0, paymentIntentId: "pi_a")], [Paid(A, "pi_a", "EUR", 10000)],
            [PledgeDifference.NotCollectedInLedger, PledgeDifference.CollectedDiffers], 10000);
        yield return Case("charged twice",
            [Held(A, "Collected", "EUR", 10000, attempt: 2, paymentIntentId: "pi_a2")],
            [Paid(A, "pi_a1", "EUR", 10000, attempt: 1), Paid(A, "pi_a2", "EUR", 10000, attempt: 2)],
            [PledgeDifference.ChargedMoreThanOnce, PledgeDifference.CollectedDiffers], 10000);
        yield return Case("another amount taken",
            [Held(A, "Collected", "EUR", 10000, paymentIntentId: "pi_a")], [Paid(A, "pi_a", "EUR", 9000)],
            [PledgeDifference.CollectedDiffers], -1000);
        yield return Case("a refund the ledger does not know",
            [Held(A, "Collected", "EUR", 10000, paymentIntentId: "pi_a")], [Paid(A, "pi_a", "EUR", 10000, refunded: 2500)],
            [PledgeDifference.RefundedDiffers], 0);
        yield return Case("a dispute the ledger does not know",
            [Held(A, "Collected", "EUR", 10000, paymentIntentId: "pi_a")],
            [Paid(A, "pi_a", "EUR", 10000, disputed: 10000, disputeStatus: "needs_response")],
            [PledgeDifference.DisputedDiffers], 0);
        yield return Case("a dispute won at the provider, still open in the ledger",
            [Held(A, "Disputed", "EUR", 10000, disputed: 10000, disputeStatus: "needs_response", paymentIntentId: "pi_a")],
            [Paid(A, "pi_a", "EUR", 10000, disputeStatus: "won")],
            [PledgeDifference.DisputedDiffers], 0);
        yield return Case("another currency",
            [Held(A, "Collected", "USD", 10000, paymentIntentId: "pi_a")], [Paid(A, "pi_a", "EUR", 10000)],
            [PledgeDifference.CurrencyDiffers], 0);
        yield return Case("another payment succeeded than the one the ledger names",
            [Held(A, "Collected", "EUR", 10000, attempt: 2, paymentIntentId: "pi_a2")],
            [Paid(A, "pi_a1", "EUR", 10000, attempt: 1), Failed(A, "pi_a2", "EUR", 10000, attempt: 2)],
            [PledgeDifference.PaymentDiffers], 0);
        yield return Case("a payment for a pledge the ledger does not have",
            [], [Paid(B, "pi_b", "EUR", 10000)],
            [PledgeDifference.UnknownPledge], 10000);
    }

    [TestCaseSource(nameof(Disagreements))]
    public void Each_disagreement_is_named_with_both_sides_and_shows_in_the_currencys_difference(
        LedgerPledge[] ledger, ProviderPayment[] provider, PledgeDifference[] expected, long collectedDifference)
    {
        var report = Reconciliation.Compare("phone", Since, At, ledger, provider);

        Assert.That(report.Balanced, Is.False);
        var pledge = report.Pledges.Single();
        Assert.That(pledge.Differences, Is.EqualTo(expected));
        Assert.That(pledge.Ledger, Is.EqualTo(ledger.SingleOrDefault()));
        Assert.That(pledge.Provider is null, Is.EqualTo(provider.Length == 0));
        Assert.That(report.Currencies.Sum(c => c.Difference.Collected), Is.EqualTo(collectedDifference),
            "what the provider took minus what the ledger holds, over the currencies");
    }

    [Test]
    public void The_providers_side_of_a_pledge_is_its_successful_payment_over_all_its_attempts()
    {
        ProviderPayment[] provider = [Failed(A, "pi_1", "eur", 5000, attempt: 1), Paid(A, "pi_2", "eur", 5000, attempt: 2, fee: 175),
            Failed(A, "pi_3", "eur", 5000, attempt: 3)];

        var report = Reconciliation.Compare("phone", Since, At, [Held(A, "PaymentFailed", "EUR", 0, attempt: 3, paymentIntentId: "pi_3")], provider);

        Assert.That(report.Pledges.Single().Provider, Is.EqualTo(new ProviderPledge("pi_2", "succeeded", 2, "EUR", 5000, 0, 0, 175, null, 3, 1)));
        Assert.That(report.Currencies.Single().Provider, Is.EqualTo(new MoneyTotals(5000, 0, 0, 175)), "lower-case currencies count as theirs");
    }

    private static TestCaseData Case(string name, LedgerPledge[] ledger, ProviderPayment[] provider, PledgeDifference[] expected,
        long collectedDifference) =>
        new TestCaseData(ledger, provider, expected, collectedDifference).SetArgDisplayNames(name);

    private static LedgerPledge Held(Guid id, string status, string currency, long collected, long refunded = 0, long disputed = 0,
        string? disputeStatus = null, int attempt = 1, string? paymentIntentId = null) =>
        new(id, status, currency, attempt, paymentIntentId, collected, refunded, disputed, disputeStatus);

    private static ProviderPayment Paid(Guid id, string paymentIntentId, string currency, long amount, long refunded = 0,
        long disputed = 0, string? disputeStatus = null, long? fee = null, int attempt = 1) =>
        new(id, attempt, paymentIntentId, "succeeded", currency, amount, amount, refunded, disputed, fee, disputeStatus);

    private static ProviderPayment Failed(Guid id, string paymentIntentId, string currency, long amount, int attempt = 1) =>
        new(id, attempt, paymentIntentId, "requires_payment_method", currency, amount, 0, 0, 0, null, null);
}
