using System.Net;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class PaymentIntentTests : EmulatorTests
{
    private Task<PaymentIntent> ChargeOffSessionAsync(string customerId, string paymentMethodId) =>
        stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 8800,
            Currency = "eur",
            Customer = customerId,
            PaymentMethod = paymentMethodId,
            OffSession = true,
            Confirm = true,
            Description = "Retro phone, early bird",
            Metadata = new Dictionary<string, string> { ["pledge"] = "pl_42", ["attempt"] = "1" },
        });

    [Test]
    public async Task A_saved_card_is_charged_off_session_and_the_charge_is_found_by_expansion_and_list()
    {
        var (customer, setup) = await Emulated.SaveCardAsync(server, stripe, "pm_card_visa");

        var payment = await ChargeOffSessionAsync(customer.Id, setup.PaymentMethodId);

        Assert.That(payment.Status, Is.EqualTo("succeeded"));
        Assert.That(payment.AmountReceived, Is.EqualTo(8800));
        Assert.That(payment.Currency, Is.EqualTo("eur"));
        Assert.That(payment.LatestChargeId, Does.StartWith("ch_"));
        var expanded = await stripe.V1.PaymentIntents.GetAsync(payment.Id, new PaymentIntentGetOptions { Expand = ["latest_charge.balance_transaction", "payment_method"] });
        var charge = expanded.LatestCharge;
        Assert.That(charge.Amount, Is.EqualTo(8800));
        Assert.That(charge.AmountCaptured, Is.EqualTo(8800));
        Assert.That(charge.Paid && charge.Captured, Is.True);
        Assert.That(charge.Status, Is.EqualTo("succeeded"));
        Assert.That(charge.PaymentIntentId, Is.EqualTo(payment.Id));
        Assert.That(charge.Metadata["pledge"], Is.EqualTo("pl_42"));
        Assert.That(charge.PaymentMethodDetails.Card.Last4, Is.EqualTo("4242"));
        Assert.That(charge.BalanceTransaction.Fee, Is.EqualTo(285));
        Assert.That(charge.BalanceTransaction.Net, Is.EqualTo(8800 - 285));
        Assert.That(expanded.PaymentMethod.Card.Brand, Is.EqualTo("visa"));

        var byIntent = await stripe.V1.Charges.ListAsync(new ChargeListOptions { PaymentIntent = payment.Id });
        Assert.That(byIntent.Data.Single().Id, Is.EqualTo(charge.Id));
        var byCustomer = await stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Customer = customer.Id });
        Assert.That(byCustomer.Data.Single().Id, Is.EqualTo(payment.Id));
        var types = server.Events().Where(e => e.ObjectId == payment.Id || e.ObjectId == charge.Id).Select(e => e.Type);
        Assert.That(types, Is.EqualTo(new[] { "payment_intent.created", "charge.succeeded", "payment_intent.succeeded" }));
    }

    [TestCase("pm_card_chargeCustomerFail", "card_declined", "generic_decline")]
    [TestCase("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds")]
    [TestCase("pm_card_chargeDeclined", "card_declined", "generic_decline")]
    public async Task A_declined_off_session_payment_is_a_402_with_a_failed_charge_and_the_intent_waiting(string testCard, string code, string declineCode)
    {
        string customerId;
        string methodId;
        if (testCard == "pm_card_chargeCustomerFail")
        {
            // This card saves fine and declines only when charged later: the case of a backer's card going bad.
            var (customer, setup) = await Emulated.SaveCardAsync(server, stripe, testCard);
            (customerId, methodId) = (customer.Id, setup.PaymentMethodId);
        }
        else
        {
            customerId = (await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("decline") })).Id;
            methodId = testCard;
        }

        var declined = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(customerId, methodId));

        Assert.That(declined!.HttpStatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(declined.StripeError.Type, Is.EqualTo("card_error"));
        Assert.That(declined.StripeError.Code, Is.EqualTo(code));
        Assert.That(declined.StripeError.DeclineCode, Is.EqualTo(declineCode));
        Assert.That(declined.StripeError.Charge, Does.StartWith("ch_"));
        var intent = declined.StripeError.PaymentIntent;
        Assert.That(intent.Status, Is.EqualTo("requires_payment_method"));
        Assert.That(intent.LastPaymentError.DeclineCode, Is.EqualTo(declineCode));
        Assert.That(intent.LastPaymentError.PaymentMethod.Id, Does.StartWith("pm_"));
        var charge = await stripe.V1.Charges.GetAsync(declined.StripeError.Charge);
        Assert.That(charge.Status, Is.EqualTo("failed"));
        Assert.That(charge.FailureCode, Is.EqualTo(code));
        Assert.That(charge.Outcome.Reason, Is.EqualTo(declineCode));
        var types = server.Events().Where(e => e.ObjectId == intent.Id || e.ObjectId == charge.Id).Select(e => e.Type);
        Assert.That(types, Is.EqualTo(new[] { "payment_intent.created", "charge.failed", "payment_intent.payment_failed" }));
    }

    [Test]
    public async Task A_card_that_always_authenticates_fails_off_session_with_authentication_required_then_pays_on_session()
    {
        var (customer, setup) = await Emulated.SaveCardAsync(server, stripe, "pm_card_authenticationRequired");

        var declined = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(customer.Id, setup.PaymentMethodId));

        Assert.That(declined!.HttpStatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(declined.StripeError.Code, Is.EqualTo("authentication_required"));
        Assert.That(declined.StripeError.DeclineCode, Is.EqualTo("authentication_required"));
        var intent = declined.StripeError.PaymentIntent;
        Assert.That(intent.Status, Is.EqualTo("requires_payment_method"));

        // The backer comes back: the same card, confirmed on-session, asks for 3-D Secure and then pays.
        var onSession = await stripe.V1.PaymentIntents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions
        {
            PaymentMethod = declined.StripeError.PaymentIntent.LastPaymentError.PaymentMethod.Id,
            ReturnUrl = "https://crowdfund.example/fix",
        });
        Assert.That(onSession.Status, Is.EqualTo("requires_action"));
        Assert.That(onSession.NextAction.RedirectToUrl.Url, Does.StartWith(server.BaseUrl));
        Assert.That(server.CompleteAuthentication(intent.Id), Is.True);
        var paid = await stripe.V1.PaymentIntents.GetAsync(intent.Id);
        Assert.That(paid.Status, Is.EqualTo("succeeded"));
        var charges = await stripe.V1.Charges.ListAsync(new ChargeListOptions { PaymentIntent = intent.Id });
        Assert.That(charges.Data.Select(c => c.Status), Is.EqualTo(new[] { "succeeded", "failed" }));
    }

    [Test]
    public async Task A_card_authenticated_once_at_setup_pays_off_session_and_one_never_set_up_does_not()
    {
        var (customer, setup) = await Emulated.SaveCardAsync(server, stripe, "pm_card_authenticationRequiredOnSetup");

        var payment = await ChargeOffSessionAsync(customer.Id, setup.PaymentMethodId);
        Assert.That(payment.Status, Is.EqualTo("succeeded"));

        var never = await Assert.ThrowsAsync<StripeException>(() => ChargeOffSessionAsync(customer.Id, "pm_card_authenticationRequiredOnSetup"));
        Assert.That(never!.StripeError.Code, Is.EqualTo("authentication_required"));
    }

    [Test]
    public async Task A_payment_waiting_for_a_card_is_canceled_but_a_succeeded_one_is_not()
    {
        var pending = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 5000, Currency = "usd" });
        Assert.That(pending.Status, Is.EqualTo("requires_payment_method"));

        var canceled = await stripe.V1.PaymentIntents.CancelAsync(pending.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });
        Assert.That(canceled.Status, Is.EqualTo("canceled"));
        Assert.That(canceled.CancellationReason, Is.EqualTo("abandoned"));

        var paid = await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 5000, Currency = "usd", PaymentMethod = "pm_card_mastercard", Confirm = true });
        var refused = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CancelAsync(paid.Id));
        Assert.That(refused!.StripeError.Code, Is.EqualTo("payment_intent_unexpected_state"));
    }

    [Test]
    public async Task Missing_and_invalid_parameters_are_named()
    {
        var missing = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Currency = "eur" }));
        Assert.That(missing!.StripeError.Code, Is.EqualTo("parameter_missing"));
        Assert.That(missing.StripeError.Param, Is.EqualTo("amount"));

        var tooSmall = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 10, Currency = "eur" }));
        Assert.That(tooSmall!.StripeError.Code, Is.EqualTo("amount_too_small"));

        var unknownCustomer = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "eur", Customer = "cus_nobody" }));
        Assert.That(unknownCustomer!.HttpStatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknownCustomer.StripeError.Param, Is.EqualTo("customer"));
    }
}
