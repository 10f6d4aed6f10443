using System.Net;
using System.Text;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class RefundAndDisputeTests : EmulatorTests
{
    private Task<PaymentIntent> PayAsync(string testCard, long amount = 10000) =>
        stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions { Amount = amount, Currency = "cad", PaymentMethod = testCard, Confirm = true });

    [Test]
    public async Task Partial_refunds_add_up_to_the_charge_and_never_past_it()
    {
        var payment = await PayAsync("pm_card_visa");

        var first = await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = payment.Id, Amount = 3000, Reason = "requested_by_customer" });
        Assert.That(first.Status, Is.EqualTo("succeeded"));
        Assert.That(first.ChargeId, Is.EqualTo(payment.LatestChargeId));

        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = payment.Id, Amount = 7001 }));
        Assert.That(tooMuch!.HttpStatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(tooMuch.StripeError.Type, Is.EqualTo("invalid_request_error"));
        Assert.That(tooMuch.StripeError.Param, Is.EqualTo("amount"));

        var rest = await stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = payment.LatestChargeId });
        Assert.That(rest.Amount, Is.EqualTo(7000));
        var charge = await stripe.V1.Charges.GetAsync(payment.LatestChargeId);
        Assert.That(charge.AmountRefunded, Is.EqualTo(10000));
        Assert.That(charge.Refunded, Is.True);

        var again = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { Charge = charge.Id, Amount = 1 }));
        Assert.That(again!.StripeError.Code, Is.EqualTo("charge_already_refunded"));
        var listed = await stripe.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = payment.Id });
        Assert.That(listed.Data.Select(r => r.Amount), Is.EqualTo(new[] { 7000L, 3000L }));
        Assert.That(server.Refunds().Where(r => r.ChargeId == charge.Id).Sum(r => r.Amount), Is.EqualTo(10000));

        var refunded = (await stripe.V1.Events.ListAsync(new EventListOptions { Type = "charge.refunded", Limit = 100 })).Data
            .Where(e => ((Charge)e.Data.Object).Id == charge.Id).ToList();
        Assert.That(refunded.Select(e => ((Charge)e.Data.Object).AmountRefunded), Is.EqualTo(new[] { 10000L, 3000L }));
    }

    [Test]
    public async Task A_failed_payment_has_nothing_to_refund()
    {
        var failed = await Assert.ThrowsAsync<StripeException>(() => PayAsync("pm_card_chargeDeclined"));

        var refused = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = failed!.StripeError.PaymentIntent.Id }));

        Assert.That(refused!.StripeError.Param, Is.EqualTo("payment_intent"));
    }

    [Test]
    public async Task The_dispute_card_is_disputed_after_paying_and_winning_evidence_closes_the_dispute_won()
    {
        var payment = await PayAsync("pm_card_createDispute");
        Assert.That(payment.Status, Is.EqualTo("succeeded"));

        var dispute = (await stripe.V1.Disputes.ListAsync(new DisputeListOptions { PaymentIntent = payment.Id })).Data.Single();
        Assert.That(dispute.Status, Is.EqualTo("needs_response"));
        Assert.That(dispute.Reason, Is.EqualTo("fraudulent"));
        Assert.That(dispute.Amount, Is.EqualTo(10000));
        Assert.That(dispute.ChargeId, Is.EqualTo(payment.LatestChargeId));
        Assert.That((await stripe.V1.Charges.GetAsync(payment.LatestChargeId)).Disputed, Is.True);
        var types = server.Events().Where(e => e.ObjectId == payment.Id || e.ObjectId == dispute.Id).Select(e => e.Type);
        Assert.That(types, Is.EqualTo(new[] { "payment_intent.created", "payment_intent.succeeded", "charge.dispute.created" }));
        var noRefund = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = payment.Id }));
        Assert.That(noRefund!.StripeError.Code, Is.EqualTo("charge_disputed"));

        var won = await stripe.V1.Disputes.UpdateAsync(dispute.Id, new DisputeUpdateOptions
        {
            Evidence = new DisputeEvidenceOptions { UncategorizedText = "winning_evidence" },
        });

        Assert.That(won.Status, Is.EqualTo("won"));
        var closed = (await stripe.V1.Events.ListAsync(new EventListOptions { Type = "charge.dispute.closed", Limit = 100 })).Data
            .Single(e => ((Dispute)e.Data.Object).Id == dispute.Id);
        Assert.That(((Dispute)closed.Data.Object).Status, Is.EqualTo("won"));
        Assert.That(server.Disputes().Single(d => d.Id == dispute.Id).Status, Is.EqualTo("won"));
    }

    [Test]
    public async Task A_dispute_closed_lost_through_the_control_endpoint()
    {
        var payment = await PayAsync("pm_card_createDispute", 4200);
        var dispute = server.Disputes().Single(d => d.PaymentIntentId == payment.Id);
        using var control = Emulated.Control(server);

        var lost = await control.PostAsync($"/_emulator/disputes/{dispute.Id}/close", new StringContent("""{"outcome":"lost"}""", Encoding.UTF8, "application/json"));

        Assert.That(lost.StatusCode, Is.EqualTo(HttpStatusCode.OK), await lost.Content.ReadAsStringAsync());
        Assert.That((await stripe.V1.Disputes.GetAsync(dispute.Id)).Status, Is.EqualTo("lost"));
        var again = await control.PostAsync($"/_emulator/disputes/{dispute.Id}/close", new StringContent("""{"outcome":"won"}""", Encoding.UTF8, "application/json"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var records = await control.GetStringAsync("/_emulator/disputes");
        Assert.That(records, Does.Contain(dispute.Id).And.Contain("\"lost\""));
    }
}
