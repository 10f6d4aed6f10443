using Crowdfund.Grains.Payments;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>Giving money back and letting cards go, through Stripe.net against the emulator.</summary>
public sealed class RefundTests
{
    [Test]
    public async Task A_charge_is_refunded_in_part_then_in_full_and_a_refund_over_what_is_left_is_refused()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway);
        var pledge = Guid.NewGuid();
        var charged = await gateway.ChargeAsync(new ChargeRequest(customer, card, 10000, "EUR", Stripes.ChargeMetadata(pledge)), $"charge-{pledge}-1");
        var metadata = new Dictionary<string, string> { [PaymentMetadata.PledgeId] = pledge.ToString() };

        var part = await gateway.RefundAsync(charged.PaymentIntentId, 2500, metadata, $"refund-{pledge}-a");
        var samePart = await gateway.RefundAsync(charged.PaymentIntentId, 2500, metadata, $"refund-{pledge}-a");
        var tooMuch = await Assert.ThrowsAsync<PaymentGatewayException>(() =>
            gateway.RefundAsync(charged.PaymentIntentId, 8000, metadata, $"refund-{pledge}-b"));
        var rest = await gateway.RefundAsync(charged.PaymentIntentId, 7500, metadata, $"refund-{pledge}-c");
        var nothingLeft = await Assert.ThrowsAsync<PaymentGatewayException>(() =>
            gateway.RefundAsync(charged.PaymentIntentId, 1, metadata, $"refund-{pledge}-d"));

        Assert.That(part.RefundId, Does.StartWith("re_"));
        Assert.That((part.Amount, part.Currency, part.Status), Is.EqualTo((2500L, "EUR", "succeeded")));
        Assert.That(samePart, Is.EqualTo(part), "the same key is the same refund");
        Assert.That(tooMuch!.Message, Does.Contain("HTTP 400").And.Contain("on amount"), "Stripe names the amount");
        Assert.That((rest.Amount, rest.Status), Is.EqualTo((7500L, "succeeded")));
        Assert.That(nothingLeft!.Code, Is.EqualTo("charge_already_refunded"));
        Assert.That(server.Refunds().Select(r => (r.PaymentIntentId, r.Amount)),
            Is.EqualTo(new[] { (charged.PaymentIntentId, 2500L), (charged.PaymentIntentId, 7500L) }));
        Assert.That(server.Charges().Single().AmountRefunded, Is.EqualTo(10000));
        var stored = await Stripes.Client(server).V1.Refunds.GetAsync(part.RefundId);
        Assert.That(stored.Metadata, Is.EquivalentTo(metadata));
    }

    [Test]
    public async Task A_disputed_charge_is_not_refunded_and_Stripes_code_says_why()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway, "pm_card_createDispute");
        var charged = await gateway.ChargeAsync(new ChargeRequest(customer, card, 8900, "USD", Stripes.ChargeMetadata(Guid.NewGuid())), "disputed-1");

        var refused = await Assert.ThrowsAsync<PaymentGatewayException>(() =>
            gateway.RefundAsync(charged.PaymentIntentId, 8900, new Dictionary<string, string>(), "refund-disputed"));

        Assert.That(refused!.Code, Is.EqualTo("charge_disputed"));
        Assert.That(server.Refunds(), Is.Empty);
    }

    [Test]
    public async Task A_card_let_go_twice_is_done_both_times_and_an_unknown_card_is_refused()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway);

        await gateway.DetachCardAsync(card, $"release-{card}");
        await gateway.DetachCardAsync(card, $"release-{card}");
        await gateway.DetachCardAsync(card, $"release-{card}-again");

        var stripe = Stripes.Client(server);
        Assert.That((await stripe.V1.PaymentMethods.GetAsync(card)).CustomerId, Is.Null);
        Assert.That(server.Events().Count(e => e.Type == "payment_method.detached" && e.ObjectId == card), Is.EqualTo(1));
        var customers = await stripe.V1.PaymentMethods.ListAsync(new Stripe.PaymentMethodListOptions { Customer = customer });
        Assert.That(customers.Data, Is.Empty);
        var unknown = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.DetachCardAsync("pm_does_not_exist", "release-nothing"));
        Assert.That(unknown!.Code, Is.EqualTo("resource_missing"));
    }
}
