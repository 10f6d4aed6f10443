using Crowdfund.Testing;
namespace Crowdfund.StripeEmulator.Tests;

public sealed class WebhookTests
{
    [Test]
    public async Task Events_are_signed_so_that_Stripe_net_accepts_them_and_a_failed_delivery_is_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var server = await Emulated.StartAsync(options =>
        {
            options.WebhookUrl = receiver.Url;
            options.WebhookSecret = "whsec_emulator_tests_secret";
        });
        var stripe = Emulated.Client(server);

        var customer = await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("hook") });

        await Emulated.UntilAsync(() => server.WebhookDeliveries().Any(d => d.Succeeded), "a delivery that succeeds");
        var deliveries = server.WebhookDeliveries();
        Assert.That(deliveries.Select(d => (d.Attempt, d.StatusCode)), Is.EqualTo(new (int, int?)[] { (1, 500), (2, 500), (3, 200) }));
        Assert.That(deliveries.Select(d => d.EventType), Is.All.EqualTo("customer.created"));
        var received = receiver.Received;
        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received.Select(r => r.Body).Distinct().Count(), Is.EqualTo(1), "every attempt carries the same event");

        var (body, signature) = received[^1];
        Assert.That(signature, Does.Match("^t=[0-9]+,v1=[0-9a-f]{64}$"));
        var parsed = EventUtility.ConstructEvent(body, signature, "whsec_emulator_tests_secret");
        Assert.That(parsed.Type, Is.EqualTo("customer.created"));
        Assert.That(parsed.ApiVersion, Is.EqualTo(StripeConfiguration.ApiVersion));
        Assert.That(((Customer)parsed.Data.Object).Id, Is.EqualTo(customer.Id));
        Assert.That(parsed.Request.IdempotencyKey, Is.EqualTo(customer.StripeResponse.IdempotencyKey));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, signature, "whsec_some_other_secret"));

        var stored = await stripe.V1.Events.GetAsync(parsed.Id);
        Assert.That(stored.Type, Is.EqualTo("customer.created"));
        Assert.That(stored.PendingWebhooks, Is.EqualTo(1));
    }

    [Test]
    public async Task First_deliveries_follow_creation_order_and_endpoints_change_at_run_time()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await Emulated.StartAsync();
        var secret = server.SetWebhookEndpoint(receiver.Url);
        var stripe = Emulated.Client(server);

        var (customer, setup) = await Emulated.SaveCardAsync(server, stripe, "pm_card_visa");
        await stripe.V1.PaymentIntents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 5000, Currency = "usd", Customer = customer.Id, PaymentMethod = setup.PaymentMethodId, OffSession = true, Confirm = true,
        });

        var expected = server.Events().Select(e => e.Id).ToList();
        await Emulated.UntilAsync(() => receiver.Received.Count >= expected.Count, "every event delivered");
        var delivered = receiver.Received.Select(r => EventUtility.ConstructEvent(r.Body, r.Signature, secret)).ToList();
        Assert.That(delivered.Select(e => e.Id), Is.EqualTo(expected));
        Assert.That(delivered.Select(e => e.Type), Is.EqualTo(new[]
        {
            "customer.created", "setup_intent.created", "payment_method.attached", "setup_intent.succeeded",
            "payment_intent.created", "charge.succeeded", "payment_intent.succeeded",
        }));
        Assert.That(((PaymentIntent)delivered[^1].Data.Object).Status, Is.EqualTo("succeeded"));

        server.SetWebhookEndpoints([]);
        await stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("unheard") });
        await Task.Delay(200);
        Assert.That(receiver.Received, Has.Count.EqualTo(expected.Count), "no endpoint, no delivery");
    }

    [Test]
    public async Task Events_list_newest_first_and_filter_by_type()
    {
        await using var server = await Emulated.StartAsync();
        var stripe = Emulated.Client(server);
        var (customer, _) = await Emulated.SaveCardAsync(server, stripe, "pm_card_visa");

        var all = await stripe.V1.Events.ListAsync();
        Assert.That(all.Data.Select(e => e.Type), Is.EqualTo(new[] { "setup_intent.succeeded", "payment_method.attached", "setup_intent.created", "customer.created" }));
        var setups = await stripe.V1.Events.ListAsync(new EventListOptions { Type = "setup_intent.*" });
        Assert.That(setups.Data, Has.Count.EqualTo(2));
        var created = await stripe.V1.Events.ListAsync(new EventListOptions { Type = "customer.created" });
        Assert.That(((Customer)created.Data.Single().Data.Object).Id, Is.EqualTo(customer.Id));
    }

    [Test]
    public async Task Stopping_with_a_delivery_in_flight_does_not_fail()
    {
        // A listener that accepts connections and never answers: the delivery waits on it until the emulator stops.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var server = await Emulated.StartAsync(options => options.WebhookUrl = $"http://{silent.LocalEndpoint}/webhooks/stripe");
        await Emulated.Client(server).V1.Customers.CreateAsync(new CustomerCreateOptions { Email = Emulated.Email("unanswered") });
        using var accepted = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await server.DisposeAsync();

        Assert.That(server.WebhookDeliveries(), Is.Empty, "an attempt cut short by the stop is not recorded");
    }
}
