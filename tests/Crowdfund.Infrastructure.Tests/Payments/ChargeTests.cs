using Crowdfund.Grains.Payments;
using Crowdfund.StripeEmulator;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>Off-session charges of saved cards through Stripe.net against the emulator: answers, keys, faults.</summary>
public sealed class ChargeTests
{
    [Test]
    public async Task A_saved_card_is_charged_once_for_exactly_the_amount_and_the_same_key_gives_the_same_charge()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway);
        var pledge = Guid.NewGuid();
        var request = new ChargeRequest(customer, card, 8900, "USD", Stripes.ChargeMetadata(pledge));

        var charged = await gateway.ChargeAsync(request, $"charge-{pledge}-1");
        var again = await gateway.ChargeAsync(request, $"charge-{pledge}-1");

        Assert.That(charged.Outcome, Is.EqualTo(ChargeOutcome.Succeeded));
        Assert.That(charged.PaymentIntentId, Does.StartWith("pi_"));
        Assert.That(charged.ChargeId, Does.StartWith("ch_"));
        Assert.That((charged.Amount, charged.AmountReceived, charged.Currency), Is.EqualTo((8900L, 8900L, "USD")));
        Assert.That((charged.ClientSecret, charged.FailureCode, charged.DeclineCode), Is.EqualTo(((string?)null, (string?)null, (string?)null)));
        Assert.That(again, Is.EqualTo(charged), "Stripe's stored answer");
        var charge = server.Charges().Single();
        Assert.That((charge.Id, charge.PaymentIntentId, charge.CustomerId), Is.EqualTo((charged.ChargeId, charged.PaymentIntentId, customer)));
        Assert.That((charge.Amount, charge.Currency, charge.Status), Is.EqualTo((8900L, "usd", "succeeded")));
        var intent = await Stripes.Client(server).V1.PaymentIntents.GetAsync(charged.PaymentIntentId);
        Assert.That(intent.Metadata, Is.EquivalentTo(Stripes.ChargeMetadata(pledge)));
        Assert.That(intent.PaymentMethodTypes, Is.EqualTo(new[] { "card" }));
    }

    [Test]
    public async Task A_declined_charge_is_an_answer_with_the_banks_reason_and_is_neither_retried_nor_repeated()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server, o => o.MaxRetries = 5));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway, "pm_card_chargeCustomerFail");
        var leases = gateway.LimiterStatistics.TotalSuccessfulLeases;
        var request = new ChargeRequest(customer, card, 7900, "EUR", Stripes.ChargeMetadata(Guid.NewGuid()));

        var declined = await gateway.ChargeAsync(request, "charge-declined-1");
        var replayed = await gateway.ChargeAsync(request, "charge-declined-1");

        Assert.That(declined.Outcome, Is.EqualTo(ChargeOutcome.Declined));
        Assert.That((declined.FailureCode, declined.DeclineCode), Is.EqualTo(("card_declined", "generic_decline")));
        Assert.That((declined.AmountReceived, declined.Currency), Is.EqualTo((0L, "EUR")));
        Assert.That(declined.ClientSecret, Is.Null, "nothing for the backer to confirm");
        Assert.That(replayed, Is.EqualTo(declined), "the stored 402 maps the same way");
        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases - leases, Is.EqualTo(2), "one attempt a call: a decline is not retried");
        Assert.That(server.Charges().Select(c => c.Status), Is.EqualTo(new[] { "failed" }), "the bank was asked once");
    }

    [Test]
    public async Task A_card_that_asks_for_authentication_needs_the_backer_who_confirms_the_same_payment_on_session()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway, "pm_card_authenticationRequired");
        var pledge = Guid.NewGuid();

        var asked = await gateway.ChargeAsync(new ChargeRequest(customer, card, 11900, "CAD", Stripes.ChargeMetadata(pledge)), $"charge-{pledge}-1");

        Assert.That(asked.Outcome, Is.EqualTo(ChargeOutcome.ActionRequired));
        Assert.That(asked.ClientSecret, Does.StartWith(asked.PaymentIntentId + "_secret_"));
        Assert.That((asked.FailureCode, asked.DeclineCode), Is.EqualTo(("authentication_required", "authentication_required")));
        Assert.That(asked.AmountReceived, Is.Zero);

        var onSession = await Backers.ConfirmPaymentAsync(server, asked, card);
        Assert.That(onSession.GetProperty("status").GetString(), Is.EqualTo("requires_action"));
        Assert.That(server.CompleteAuthentication(asked.PaymentIntentId), Is.True);
        var found = await gateway.FindChargeAsync(customer, pledge, 1);
        Assert.That(found!.Outcome, Is.EqualTo(ChargeOutcome.Succeeded));
        Assert.That((found.PaymentIntentId, found.AmountReceived, found.Currency), Is.EqualTo((asked.PaymentIntentId, 11900L, "CAD")));
        Assert.That(found.ClientSecret, Is.Null);
        Assert.That(server.Charges().Count(c => c.Status == "succeeded"), Is.EqualTo(1));
    }

    [Test]
    public async Task Through_dropped_answers_500s_and_429s_each_pledge_is_charged_exactly_once()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server, o => o.MaxRetries = 8));
        var cards = new[] { "pm_card_visa", "pm_card_visa", "pm_card_chargeCustomerFail", "pm_card_mastercard" };
        var backers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Backers.SavedCardAsync(server, gateway, cards[i % cards.Length])));
        var charges = backers.Select((backer, i) => (Pledge: Guid.NewGuid(), backer.Customer, backer.Card, Declines: i % cards.Length == 2)).ToList();
        var leases = gateway.LimiterStatistics.TotalSuccessfulLeases;
        server.Faults = new FaultOptions { DropAfterWriteRate = 0.1, ServerErrorRate = 0.1, RateLimitRate = 0.1, Seed = 20261125 };

        var results = await Task.WhenAll(charges.Select(c => gateway.ChargeAsync(
            new ChargeRequest(c.Customer, c.Card, 5000, "EUR", Stripes.ChargeMetadata(c.Pledge)), $"charge-{c.Pledge}-1")));
        server.Faults = new FaultOptions();

        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases - leases, Is.GreaterThan(charges.Count), "faults were met and retried");
        Assert.That(results.Select(r => r.Outcome), Is.EqualTo(charges.Select(c => c.Declines ? ChargeOutcome.Declined : ChargeOutcome.Succeeded)));
        var atStripe = server.Charges();
        Assert.That(atStripe, Has.Count.EqualTo(charges.Count), "one charge per pledge at the bank, none twice");
        Assert.That(atStripe.Select(c => c.Metadata[PaymentMetadata.PledgeId]), Is.EquivalentTo(charges.Select(c => c.Pledge.ToString())));
        Assert.That(atStripe.Select(c => c.PaymentIntentId), Is.EquivalentTo(results.Select(r => r.PaymentIntentId)));
        Assert.That(server.Events().Count(e => e.Type == "payment_intent.created"), Is.EqualTo(charges.Count), "one payment per key");
        Assert.That(atStripe.Where(c => c.Status == "succeeded").Sum(c => c.Amount), Is.EqualTo(5000L * charges.Count(c => !c.Declines)));
    }

    [Test]
    public async Task A_charge_is_found_by_its_pledge_and_attempt_among_many_pages_of_the_customers_payments()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var (customer, card) = await Backers.SavedCardAsync(server, gateway);
        var pledge = Guid.NewGuid();
        var first = await gateway.ChargeAsync(new ChargeRequest(customer, card, 6000, "EUR", Stripes.ChargeMetadata(pledge, attempt: 1)), "find-1");
        // The same backer's other pledges, newer: the first attempt is on the second page of 100.
        for (var i = 0; i < 100; i++)
            await gateway.ChargeAsync(new ChargeRequest(customer, card, 5000 + i, "EUR", Stripes.ChargeMetadata(Guid.NewGuid())), $"find-other-{i}");
        var second = await gateway.ChargeAsync(new ChargeRequest(customer, card, 6000, "EUR", Stripes.ChargeMetadata(pledge, attempt: 2)), "find-2");
        var leases = gateway.LimiterStatistics.TotalSuccessfulLeases;

        var foundFirst = await gateway.FindChargeAsync(customer, pledge, 1);
        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases - leases, Is.EqualTo(2), "one read through the pipeline per page");

        Assert.That(foundFirst, Is.EqualTo(first));
        Assert.That(await gateway.FindChargeAsync(customer, pledge, 2), Is.EqualTo(second));
        Assert.That(await gateway.FindChargeAsync(customer, pledge, 3), Is.Null, "an attempt that never reached Stripe");
        Assert.That(await gateway.FindChargeAsync(customer, Guid.NewGuid(), 1), Is.Null);
    }
}
