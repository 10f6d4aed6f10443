using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages.Payments;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>Payment, refund and dispute events as the emulator really emits and signs them, reduced for the grains.</summary>
public sealed class PaymentWebhookTests
{
    [Test]
    public async Task A_succeeded_payment_names_its_pledge_attempt_amounts_customer_and_card()
    {
        await using var world = await World.StartAsync();
        var (customer, card) = await Backers.SavedCardAsync(world.Server, world.Gateway);
        var pledge = Guid.NewGuid();
        var charged = await world.Gateway.ChargeAsync(new ChargeRequest(customer, card, 8900, "USD", Stripes.ChargeMetadata(pledge, attempt: 2)), "paid-2");

        var paid = await world.DeliveredAsync(PaymentEvent.PaymentSucceeded, charged.PaymentIntentId);

        Assert.That((paid.ObjectId, paid.PaymentIntentId), Is.EqualTo((charged.PaymentIntentId, charged.PaymentIntentId)));
        Assert.That((paid.PledgeId, paid.ChargeAttempt, paid.SetupAttempt), Is.EqualTo(((Guid?)pledge, (int?)2, (int?)null)));
        Assert.That((paid.Amount, paid.AmountReceived, paid.Currency), Is.EqualTo(((long?)8900, (long?)8900, "USD")));
        Assert.That((paid.CustomerId, paid.PaymentMethodId, paid.Status), Is.EqualTo((customer, card, "succeeded")));
        Assert.That((paid.FailureCode, paid.DeclineCode, paid.FailureMessage), Is.EqualTo(((string?)null, (string?)null, (string?)null)));
        Assert.That((paid.DisputeId, paid.AmountRefunded), Is.EqualTo(((string?)null, (long?)null)));
    }

    [Test]
    public async Task A_failed_payment_carries_the_banks_reason_and_the_card_it_let_go()
    {
        await using var world = await World.StartAsync();
        var (customer, card) = await Backers.SavedCardAsync(world.Server, world.Gateway, "pm_card_chargeCustomerFail");
        var pledge = Guid.NewGuid();
        var declined = await world.Gateway.ChargeAsync(new ChargeRequest(customer, card, 7900, "EUR", Stripes.ChargeMetadata(pledge)), "failed-1");

        var failed = await world.DeliveredAsync(PaymentEvent.PaymentFailed, declined.PaymentIntentId);

        Assert.That((failed.PledgeId, failed.ChargeAttempt), Is.EqualTo(((Guid?)pledge, (int?)1)));
        Assert.That((failed.FailureCode, failed.DeclineCode), Is.EqualTo(("card_declined", "generic_decline")));
        Assert.That(failed.FailureMessage, Is.Not.Empty);
        Assert.That((failed.Status, failed.PaymentMethodId, failed.CustomerId), Is.EqualTo(("requires_payment_method", card, customer)));
        Assert.That((failed.Amount, failed.AmountReceived, failed.Currency), Is.EqualTo(((long?)7900, (long?)0, "EUR")));
    }

    [Test]
    public async Task A_payment_asking_for_the_backer_off_session_fails_for_authentication_and_asks_on_session()
    {
        await using var world = await World.StartAsync();
        var (customer, card) = await Backers.SavedCardAsync(world.Server, world.Gateway, "pm_card_authenticationRequired");
        var asked = await world.Gateway.ChargeAsync(new ChargeRequest(customer, card, 11900, "CAD", Stripes.ChargeMetadata(Guid.NewGuid())), "sca-1");

        var offSession = await world.DeliveredAsync(PaymentEvent.PaymentFailed, asked.PaymentIntentId);
        await Backers.ConfirmPaymentAsync(world.Server, asked, card);
        var onSession = await world.DeliveredAsync(PaymentEvent.PaymentRequiresAction, asked.PaymentIntentId);

        Assert.That((offSession.FailureCode, offSession.DeclineCode), Is.EqualTo(("authentication_required", "authentication_required")));
        Assert.That((onSession.Status, onSession.FailureCode, onSession.ChargeAttempt), Is.EqualTo(("requires_action", (string?)null, (int?)1)));
        Assert.That(onSession.PaymentMethodId, Is.EqualTo(card));
    }

    [Test]
    public async Task A_refund_tells_the_payment_and_the_total_given_back_so_far()
    {
        await using var world = await World.StartAsync();
        var (customer, card) = await Backers.SavedCardAsync(world.Server, world.Gateway);
        var pledge = Guid.NewGuid();
        var charged = await world.Gateway.ChargeAsync(new ChargeRequest(customer, card, 10000, "EUR", Stripes.ChargeMetadata(pledge)), "refunded-1");
        await world.Gateway.RefundAsync(charged.PaymentIntentId, 2500, new Dictionary<string, string>(), "refund-a");
        await world.Gateway.RefundAsync(charged.PaymentIntentId, 1500, new Dictionary<string, string>(), "refund-b");

        var second = await world.DeliveredAsync(PaymentEvent.ChargeRefunded, charged.PaymentIntentId, e => e.AmountRefunded == 4000);

        Assert.That(second.ObjectId, Is.EqualTo(charged.ChargeId));
        Assert.That((second.Amount, second.AmountRefunded, second.Currency), Is.EqualTo(((long?)10000, (long?)4000, "EUR")), "the total, not the last refund");
        Assert.That((second.PledgeId, second.ChargeAttempt), Is.EqualTo(((Guid?)pledge, (int?)1)), "the charge keeps its payment's metadata");
    }

    [Test]
    public async Task A_dispute_opened_and_closed_is_found_by_its_payment_with_its_status_and_reason()
    {
        await using var world = await World.StartAsync();
        var (customer, card) = await Backers.SavedCardAsync(world.Server, world.Gateway, "pm_card_createDispute");
        var charged = await world.Gateway.ChargeAsync(new ChargeRequest(customer, card, 8900, "USD", Stripes.ChargeMetadata(Guid.NewGuid())), "disputed-1");

        var opened = await world.DeliveredAsync(PaymentEvent.DisputeCreated, charged.PaymentIntentId);
        world.Server.CloseDispute(opened.DisputeId!, won: false);
        var closed = await world.DeliveredAsync(PaymentEvent.DisputeClosed, charged.PaymentIntentId);

        Assert.That(opened.DisputeId, Does.StartWith("dp_"));
        Assert.That(opened.ObjectId, Is.EqualTo(opened.DisputeId));
        Assert.That((opened.DisputeStatus, opened.DisputeReason), Is.EqualTo(("needs_response", "fraudulent")));
        Assert.That((opened.Amount, opened.Currency), Is.EqualTo(((long?)8900, "USD")));
        Assert.That(opened.PledgeId, Is.Null, "disputes carry no metadata of ours: the payment names the pledge");
        Assert.That((closed.DisputeId, closed.DisputeStatus), Is.EqualTo((opened.DisputeId, "lost")));
    }

    /// <summary>An emulator sending its signed webhooks to a receiver, and a gateway and verifier for it.</summary>
    private sealed class World : IAsyncDisposable
    {
        private WebhookReceiver receiver = null!;
        private StripeWebhooks webhooks = null!;

        public StripeEmulatorServer Server { get; private set; } = null!;

        public StripeGateway Gateway { get; private set; } = null!;

        public static async Task<World> StartAsync()
        {
            var world = new World { receiver = await WebhookReceiver.StartAsync() };
            world.Server = await Stripes.StartAsync(o => (o.WebhookUrl, o.WebhookSecret) = (world.receiver.Url, Stripes.WebhookSecret));
            var options = Stripes.Options(world.Server);
            world.Gateway = Stripes.Gateway(options);
            world.webhooks = new StripeWebhooks(options);
            return world;
        }

        public Task<PaymentEvent> DeliveredAsync(string type, string paymentIntentId, Func<PaymentEvent, bool>? where = null) =>
            Stripes.DeliveredAsync(receiver, webhooks, type, e => e.PaymentIntentId == paymentIntentId && (where is null || where(e)));

        public async ValueTask DisposeAsync()
        {
            Gateway.Dispose();
            await Server.DisposeAsync();
            await receiver.DisposeAsync();
        }
    }
}
