using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.StripeEmulator;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The provider's side of the reconciliation: a campaign's payments read back through Stripe's list calls.</summary>
public sealed class ListingTests
{
    private const string Campaign = "listed-campaign";

    [Test]
    public async Task A_campaigns_payments_since_its_launch_come_with_refunds_disputes_and_fees_and_nothing_else()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var server = await Stripes.StartAsync(time: clock);
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        await Backers.PaidAsync(server, gateway, Campaign, "pm_card_visa", 7000, "EUR");
        clock.Advance(TimeSpan.FromHours(1));
        var since = clock.GetUtcNow() - TimeSpan.FromMinutes(30);

        var refunded = await Backers.PaidAsync(server, gateway, Campaign, "pm_card_visa", 10000, "EUR");
        await gateway.RefundAsync(refunded.PaymentIntentId, 3000, new Dictionary<string, string>(), "listed-refund");
        var open = await Backers.PaidAsync(server, gateway, Campaign, "pm_card_createDispute", 8900, "USD");
        var won = await Backers.PaidAsync(server, gateway, Campaign, "pm_card_createDispute", 5000, "EUR");
        var lost = await Backers.PaidAsync(server, gateway, Campaign, "pm_card_createDispute", 6000, "CAD");
        server.CloseDispute(DisputeOf(server, won), won: true);
        server.CloseDispute(DisputeOf(server, lost), won: false);
        var declined = await Backers.PaidAsync(server, gateway, Campaign, "pm_card_chargeCustomerFail", 4000, "EUR");
        await Backers.PaidAsync(server, gateway, "another-campaign", "pm_card_visa", 9900, "EUR");
        var (customer, card) = await Backers.SavedCardAsync(server, gateway);
        await Stripes.Client(server).V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1234, Currency = "eur", Customer = customer, PaymentMethod = card, Confirm = true, OffSession = true,
            Metadata = new Dictionary<string, string> { [PaymentMetadata.CampaignId] = Campaign },
        });

        var listed = new List<ProviderPayment>();
        await foreach (var payment in gateway.ListPaymentsAsync(Campaign, since)) listed.Add(payment);

        Assert.That(listed.Select(p => p.PaymentIntentId), Is.EquivalentTo(new[]
        {
            refunded.PaymentIntentId, open.PaymentIntentId, won.PaymentIntentId, lost.PaymentIntentId, declined.PaymentIntentId,
        }), "this campaign's payments since, with a pledge named: not the one before, not another campaign's, not a stranger's");
        Assert.That(Find(listed, refunded), Is.EqualTo(new ProviderPayment(refunded.Pledge, 1, refunded.PaymentIntentId, "succeeded", "EUR",
            10000, 10000, 3000, 0, 320, null)), "fee 2.9 % + 30 in the emulator's model");
        Assert.That(Find(listed, open), Is.EqualTo(new ProviderPayment(open.Pledge, 1, open.PaymentIntentId, "succeeded", "USD",
            8900, 8900, 0, 8900, 288, "needs_response")));
        Assert.That(Find(listed, won), Is.EqualTo(new ProviderPayment(won.Pledge, 1, won.PaymentIntentId, "succeeded", "EUR",
            5000, 5000, 0, 0, 175, "won")), "a won dispute gave the money back");
        Assert.That(Find(listed, lost), Is.EqualTo(new ProviderPayment(lost.Pledge, 1, lost.PaymentIntentId, "succeeded", "CAD",
            6000, 6000, 0, 6000, 204, "lost")));
        Assert.That(Find(listed, declined), Is.EqualTo(new ProviderPayment(declined.Pledge, 1, declined.PaymentIntentId,
            "requires_payment_method", "EUR", 4000, 0, 0, 0, null, null)), "a failed charge has no fee");
    }

    private static ProviderPayment Find(IEnumerable<ProviderPayment> listed, PaidPledge paid) =>
        listed.Single(p => p.PaymentIntentId == paid.PaymentIntentId);

    private static string DisputeOf(StripeEmulatorServer server, PaidPledge paid) =>
        server.Disputes().Single(d => d.PaymentIntentId == paid.PaymentIntentId).Id;
}
