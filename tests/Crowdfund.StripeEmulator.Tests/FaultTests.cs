using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Crowdfund.StripeEmulator.Tests;

public sealed class FaultTests
{
    [Test]
    public async Task Past_the_configured_rate_requests_get_Stripes_429_rate_limit()
    {
        // A frozen clock: the bucket refills only when the test moves time, whatever the load on the machine.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Emulated.StartAsync(options => options.RequestsPerSecond = 5, clock);
        var stripe = Emulated.Client(server);

        var outcomes = new List<StripeException?>();
        for (var i = 0; i < 8; i++)
        {
            try
            {
                await stripe.V1.Customers.ListAsync(new CustomerListOptions { Limit = 1 });
                outcomes.Add(null);
            }
            catch (StripeException refused)
            {
                outcomes.Add(refused);
            }
        }

        Assert.That(outcomes.Select(o => o is null), Is.EqualTo(new[] { true, true, true, true, true, false, false, false }), "one second's worth passes");
        var limited = outcomes[5]!;
        Assert.That(limited.HttpStatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(limited.StripeError.Type, Is.EqualTo("invalid_request_error"));
        Assert.That(limited.StripeError.Code, Is.EqualTo("rate_limit"));
        Assert.That(limited.StripeResponse.Headers.GetValues("Stripe-Should-Retry"), Is.EqualTo(new[] { "false" }));
        var write = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Customers.CreateAsync(new CustomerCreateOptions()));
        Assert.That(write!.HttpStatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "writes draw from the same bucket");

        clock.Advance(TimeSpan.FromMilliseconds(400));
        await stripe.V1.Customers.ListAsync();
        await stripe.V1.Customers.ListAsync();
        await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Customers.ListAsync());
    }

    [Test]
    public async Task A_write_whose_connection_dropped_is_not_repeated_by_a_retry_with_the_same_key()
    {
        await using var server = await Emulated.StartAsync();
        var stripe = Emulated.Client(server, retries: 0);
        var (customer, setup) = await Emulated.SaveCardAsync(server, stripe, "pm_card_visa");
        var options = new PaymentIntentCreateOptions
        {
            Amount = 12900, Currency = "eur", Customer = customer.Id, PaymentMethod = setup.PaymentMethodId, OffSession = true, Confirm = true,
        };
        var key = new RequestOptions { IdempotencyKey = "pledge-77-attempt-1" };

        server.Faults = new FaultOptions { DropAfterWriteRate = 1 };
        await Assert.ThrowsAsync<HttpRequestException>(() => stripe.V1.PaymentIntents.CreateAsync(options, key));
        server.Faults = new FaultOptions();

        var retried = await stripe.V1.PaymentIntents.CreateAsync(options, key);
        Assert.That(retried.Status, Is.EqualTo("succeeded"));
        Assert.That(retried.StripeResponse.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        var intents = await stripe.V1.PaymentIntents.ListAsync(new PaymentIntentListOptions { Customer = customer.Id });
        Assert.That(intents.Data.Select(i => i.Id), Is.EqualTo(new[] { retried.Id }));
        Assert.That(server.Charges().Count(c => c.CustomerId == customer.Id), Is.EqualTo(1));
    }

    [Test]
    public async Task Stripe_net_retries_an_injected_500_with_its_key_and_the_write_happens_once()
    {
        await using var server = await Emulated.StartAsync(options => options.Faults = new FaultOptions { ServerErrorRate = 1 });
        var once = Emulated.Client(server, retries: 0);
        var email = Emulated.Email("retry");

        var failed = await Assert.ThrowsAsync<StripeException>(() => once.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email }));
        Assert.That(failed!.HttpStatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(failed.StripeError.Type, Is.EqualTo("api_error"));
        Assert.That(failed.StripeResponse.Headers.GetValues("Stripe-Should-Retry"), Is.EqualTo(new[] { "true" }));

        // Half of the requests fail now; with this seed the first draw fails and the next one passes.
        server.Faults = new FaultOptions { ServerErrorRate = 0.5, Seed = 14 };
        var patient = Emulated.Client(server, retries: 2);
        var created = await patient.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = email });
        server.Faults = new FaultOptions();
        Assert.That(server.Events().Count(e => e.Type == "customer.created"), Is.EqualTo(1));
        Assert.That((await once.V1.Customers.ListAsync(new CustomerListOptions { Email = email })).Data.Single().Id, Is.EqualTo(created.Id));
    }

    [Test]
    public async Task Faults_and_the_rate_limit_are_set_over_HTTP_and_slow_answers_wait()
    {
        await using var server = await Emulated.StartAsync();
        using var control = Emulated.Control(server);

        var set = await control.PostAsync("/_emulator/faults", new StringContent("""{"slow_rate": 1, "slow_delay": "00:00:00.300"}""", Encoding.UTF8, "application/json"));
        Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.OK), await set.Content.ReadAsStringAsync());
        Assert.That(server.Faults.SlowRate, Is.EqualTo(1));
        var started = DateTime.UtcNow;
        await Emulated.Client(server).V1.Customers.ListAsync();
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));

        var bad = await control.PostAsync("/_emulator/faults", new StringContent("""{"server_error_rate": 2}""", Encoding.UTF8, "application/json"));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await control.PostAsync("/_emulator/rate_limit", new StringContent("""{"requests_per_second": 7}""", Encoding.UTF8, "application/json"));
        Assert.That(server.RequestsPerSecond, Is.EqualTo(7));

        using var stranger = Emulated.Browser(server);
        Assert.That((await stranger.GetAsync("/_emulator/charges")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
