using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The gateway's calls against the emulator through Stripe.net: what it creates, and what the same key gives.</summary>
public sealed class GatewayTests
{
    [Test]
    public async Task A_customer_and_an_off_session_card_setup_are_created_and_the_same_keys_give_the_same_objects()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var email = Stripes.Email();
        var pledge = Guid.NewGuid();

        var customer = await gateway.CreateCustomerAsync(email, $"customer-{pledge}");
        var sameCustomer = await gateway.CreateCustomerAsync(email, $"customer-{pledge}");
        var setup = await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge), $"setup-{pledge}-1");
        var sameSetup = await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge), $"setup-{pledge}-1");
        var otherSetup = await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge, attempt: 2), $"setup-{pledge}-2");

        Assert.That(customer, Does.StartWith("cus_"));
        Assert.That(sameCustomer, Is.EqualTo(customer));
        Assert.That(setup.Id, Does.StartWith("seti_"));
        Assert.That(setup.ClientSecret, Does.StartWith(setup.Id + "_secret_"));
        Assert.That(setup.Status, Is.EqualTo("requires_payment_method"));
        Assert.That(sameSetup, Is.EqualTo(setup));
        Assert.That(otherSetup.Id, Is.Not.EqualTo(setup.Id), "another key is another setup");
        Assert.That(gateway.PublishableKey, Is.EqualTo(server.PublishableKey));

        var stripe = Stripes.Client(server);
        var stored = await stripe.V1.SetupIntents.GetAsync(setup.Id);
        Assert.That(stored.CustomerId, Is.EqualTo(customer));
        Assert.That(stored.Usage, Is.EqualTo("off_session"));
        Assert.That(stored.PaymentMethodTypes, Is.EqualTo(new[] { "card" }));
        Assert.That(stored.Metadata, Is.EquivalentTo(Stripes.Metadata(pledge)));
        var storedCustomer = await stripe.V1.Customers.GetAsync(customer);
        Assert.That(storedCustomer.Email, Is.EqualTo(email));
        Assert.That(storedCustomer.Name, Is.Null, "no personal data but the email");
        Assert.That(storedCustomer.Metadata, Is.EquivalentTo(new Dictionary<string, string> { [StripeGateway.IdempotencyKeyMetadata] = $"customer-{pledge}" }));
        var created = server.Events().Where(e => e.Type is "customer.created" or "setup_intent.created").Select(e => e.ObjectId);
        Assert.That(created, Is.EqualTo(new[] { customer, setup.Id, otherSetup.Id }), "each object made once");
    }

    [Test]
    public async Task A_refusal_surfaces_at_once_with_Stripes_code_and_is_not_retried()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server, o => o.MaxRetries = 5));

        var refused = await Assert.ThrowsAsync<PaymentGatewayException>(() =>
            gateway.CreateSetupIntentAsync("cus_does_not_exist", Stripes.Metadata(Guid.NewGuid()), "setup-of-nobody"));

        Assert.That(refused!.Code, Is.EqualTo("resource_missing"));
        Assert.That(refused.Message, Does.Contain("HTTP 404").And.Contain("customer"));
        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases, Is.EqualTo(1), "one attempt, no retry");
        Assert.That(server.Events(), Is.Empty);
    }

    [Test]
    public async Task A_refusal_names_Stripes_codes_but_never_quotes_the_email_sent()
    {
        await using var server = await Stripes.StartAsync();
        using var gateway = Stripes.Gateway(Stripes.Options(server));
        var email = Stripes.Email();
        await gateway.CreateCustomerAsync(email, "reused-key");

        // The same key with other parameters: Stripe refuses, and its sentence would name the key, not the email;
        // the gateway's message carries status, type and code only, whatever Stripe writes.
        var refused = await Assert.ThrowsAsync<PaymentGatewayException>(() => gateway.CreateCustomerAsync(Stripes.Email(), "reused-key"));

        Assert.That(refused!.Message, Does.Contain("HTTP 400").And.Contain("idempotency_error"));
        Assert.That(refused.Message, Does.Not.Contain("@"));
        Assert.That(refused.InnerException, Is.Null, "Stripe's own exception, which may quote the request, stays out");
    }
}
