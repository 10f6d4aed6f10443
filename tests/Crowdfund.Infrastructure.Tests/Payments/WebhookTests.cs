using System.Net;
using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages.Payments;
using Crowdfund.StripeEmulator;
using Crowdfund.Testing;
using Microsoft.Extensions.Time.Testing;
using Stripe;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>Events the emulator really delivers, signed, to a receiver on loopback; and bodies that are not.</summary>
public sealed class WebhookTests
{
    [Test]
    public async Task A_delivered_setup_event_is_verified_and_reduced_to_what_the_pledge_needs()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await Stripes.StartAsync(o => (o.WebhookUrl, o.WebhookSecret) = (receiver.Url, Stripes.WebhookSecret));
        var options = Stripes.Options(server);
        using var gateway = Stripes.Gateway(options);
        var webhooks = new StripeWebhooks(options);
        var pledge = Guid.NewGuid();

        var customer = await gateway.CreateCustomerAsync(Stripes.Email(), $"customer-{pledge}");
        var setup = await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge, attempt: 2), $"setup-{pledge}-2");
        await Backers.ConfirmSetupAsync(server, setup, "pm_card_visa");

        var succeeded = await Stripes.DeliveredAsync(receiver, webhooks, PaymentEvent.SetupSucceeded);
        Assert.That(succeeded.ObjectId, Is.EqualTo(setup.Id));
        Assert.That(succeeded.PledgeId, Is.EqualTo(pledge));
        Assert.That(succeeded.SetupAttempt, Is.EqualTo(2));
        Assert.That(succeeded.CustomerId, Is.EqualTo(customer));
        Assert.That(succeeded.PaymentMethodId, Does.StartWith("pm_"));
        Assert.That(succeeded.Status, Is.EqualTo("succeeded"));
        Assert.That((succeeded.FailureCode, succeeded.DeclineCode, succeeded.FailureMessage), Is.EqualTo(((string?)null, (string?)null, (string?)null)));
        var recorded = server.Events().Single(e => e.Id == succeeded.Id);
        Assert.That(succeeded.Created, Is.EqualTo(recorded.Created));
        Assert.That(succeeded.Created.Offset, Is.EqualTo(TimeSpan.Zero));

        var about = await Stripes.DeliveredAsync(receiver, webhooks, "customer.created");
        Assert.That(about.ObjectId, Is.EqualTo(customer));
        Assert.That((about.PledgeId, about.SetupAttempt, about.Status), Is.EqualTo(((Guid?)null, (int?)null, (string?)null)),
            "an event the grains do not act on still parses, to be recorded and ignored");
    }

    [Test]
    public async Task A_declined_setup_carries_the_error_code_the_banks_reason_and_the_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await Stripes.StartAsync(o => (o.WebhookUrl, o.WebhookSecret) = (receiver.Url, Stripes.WebhookSecret));
        var options = Stripes.Options(server);
        using var gateway = Stripes.Gateway(options);
        var pledge = Guid.NewGuid();
        var customer = await gateway.CreateCustomerAsync(Stripes.Email(), $"customer-{pledge}");
        var setup = await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge), $"setup-{pledge}-1");

        await Backers.ConfirmSetupAsync(server, setup, "pm_card_chargeDeclinedInsufficientFunds", HttpStatusCode.PaymentRequired);

        var failed = await Stripes.DeliveredAsync(receiver, new StripeWebhooks(options), PaymentEvent.SetupFailed);
        Assert.That(failed.PledgeId, Is.EqualTo(pledge));
        Assert.That(failed.FailureCode, Is.EqualTo("card_declined"));
        Assert.That(failed.DeclineCode, Is.EqualTo("insufficient_funds"));
        Assert.That(failed.FailureMessage, Is.Not.Empty);
        Assert.That(failed.Status, Is.EqualTo("requires_payment_method"));
    }

    [Test]
    public async Task A_forged_a_stale_an_unsigned_or_a_malformed_body_is_refused_with_its_reason()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await Stripes.StartAsync(o => (o.WebhookUrl, o.WebhookSecret) = (receiver.Url, Stripes.WebhookSecret));
        var options = Stripes.Options(server);
        using var gateway = Stripes.Gateway(options);
        await gateway.CreateCustomerAsync(Stripes.Email(), "customer-for-forgery");
        await Stripes.UntilAsync(() => receiver.Received.Count > 0, "the event delivered");
        var (body, signature) = receiver.Received[0];
        var webhooks = new StripeWebhooks(options);
        Assert.That(webhooks.Verify(body, signature).Type, Is.EqualTo("customer.created"), "the genuine one passes");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.That(Refusal(webhooks, body, EventUtility.GenerateSignatureHeader(body, "whsec_someone_else")), Is.EqualTo(WebhookRefusal.BadSignature));
        Assert.That(Refusal(webhooks, body.Replace("customer.created", "customer.deleted", StringComparison.Ordinal), signature),
            Is.EqualTo(WebhookRefusal.BadSignature), "a body altered after signing");
        Assert.That(Refusal(webhooks, body, EventUtility.GenerateSignatureHeader(body, Stripes.WebhookSecret, now - 301)),
            Is.EqualTo(WebhookRefusal.Stale), "signed with the right secret six minutes ago");
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow + options.WebhookTolerance + TimeSpan.FromSeconds(5));
        Assert.That(Refusal(new StripeWebhooks(options, later), body, signature), Is.EqualTo(WebhookRefusal.Stale), "the genuine one replayed later");
        Assert.That(Refusal(webhooks, body, null), Is.EqualTo(WebhookRefusal.MissingSignature));
        Assert.That(Refusal(webhooks, body, " "), Is.EqualTo(WebhookRefusal.MissingSignature));
        Assert.That(Refusal(webhooks, body, "t=abc,v1=00"), Is.EqualTo(WebhookRefusal.MalformedSignature));
        Assert.That(Refusal(webhooks, body, $"t={now}"), Is.EqualTo(WebhookRefusal.MalformedSignature));
        var notAnEvent = "{\"hello\":1";
        Assert.That(Refusal(webhooks, notAnEvent, EventUtility.GenerateSignatureHeader(notAnEvent, Stripes.WebhookSecret)), Is.EqualTo(WebhookRefusal.Unreadable));
    }

    private static WebhookRefusal Refusal(StripeWebhooks webhooks, string body, string? signature) =>
        Assert.Throws<WebhookRejectedException>(() => webhooks.Verify(body, signature))!.Reason;
}
