using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.StripeEmulator;
using Polly.CircuitBreaker;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>The pipeline against a provider that fails: retries with the same key, and a circuit that opens and closes.</summary>
public sealed class ResilienceTests
{
    [Test]
    public async Task With_a_fifth_of_requests_failing_fifty_setups_all_succeed_and_each_exists_once()
    {
        await using var server = await Stripes.StartAsync(o => o.Faults = new FaultOptions
        {
            ServerErrorRate = 0.07,
            RateLimitRate = 0.07,
            DropAfterWriteRate = 0.07,
            Seed = 20261124,
        });
        var logger = new RecordingLogger<StripeGateway>();
        using var gateway = Stripes.Gateway(Stripes.Options(server, o => o.MaxRetries = 8), logger: logger);
        var pledges = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();

        var setups = await Task.WhenAll(pledges.Select(async pledge =>
        {
            var customer = await gateway.CreateCustomerAsync(Stripes.Email(), $"customer-{pledge}");
            return await gateway.CreateSetupIntentAsync(customer, Stripes.Metadata(pledge), $"setup-{pledge}-1");
        }));
        server.Faults = new FaultOptions();

        var events = server.Events();
        var created = events.Where(e => e.Type == "setup_intent.created").Select(e => e.ObjectId).ToList();
        Assert.That(created, Has.Count.EqualTo(50));
        Assert.That(created, Is.Unique);
        Assert.That(created, Is.EquivalentTo(setups.Select(s => s.Id)));
        Assert.That(events.Count(e => e.Type == "customer.created"), Is.EqualTo(50));
        var listed = Stripes.Client(server).V1.SetupIntents.ListAutoPagingAsync(new Stripe.SetupIntentListOptions { Limit = 100 });
        var held = new List<string>();
        await foreach (var setup in listed) held.Add(setup.Id);
        Assert.That(held, Is.EquivalentTo(created), "the emulator holds exactly these");
        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases, Is.GreaterThan(100), "faults were met and retried");
        Assert.That(logger.Lines, Has.Some.Contain("HTTP 500").And.Some.Contain("HTTP 429").And.Some.Contain("network error"), "each retry is logged");
        Assert.That(logger.Lines, Has.None.Contain("@").And.None.Contain(server.SecretKey), "with neither an email nor a key");
    }

    [Test]
    public async Task An_attempt_that_times_out_is_tried_again_with_the_same_key_and_the_customer_exists_once()
    {
        await using var server = await Stripes.StartAsync(o => o.Faults = new FaultOptions { SlowRate = 1, SlowDelay = TimeSpan.FromSeconds(2) });
        using var gateway = Stripes.Gateway(Stripes.Options(server, o => (o.AttemptTimeout, o.RetryDelay) = (TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50))));

        var email = Stripes.Email();
        var call = gateway.CreateCustomerAsync(email, "slow-customer");
        await Task.Delay(100);
        server.Faults = new FaultOptions();
        var customer = await call;

        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases, Is.GreaterThanOrEqualTo(2), "the slow attempt, then its retry");
        Assert.That(server.Events().Where(e => e.Type == "customer.created").Select(e => e.ObjectId), Is.EqualTo(new[] { customer }));
        Assert.That(await gateway.CreateCustomerAsync(email, "slow-customer"), Is.EqualTo(customer));
    }

    [Test]
    public async Task A_provider_failing_everything_opens_the_circuit_and_calls_fail_fast_until_it_recovers()
    {
        await using var server = await Stripes.StartAsync(o => o.Faults = new FaultOptions { ServerErrorRate = 1 });
        var logger = new RecordingLogger<StripeGateway>();
        using var gateway = Stripes.Gateway(Stripes.Options(server, o => o.MaxRetries = 2), logger: logger);

        // Three attempts a call: the seventh call makes the twentieth failed attempt and finds the circuit open.
        var failures = new List<PaymentGatewayUnavailableException>();
        for (var i = 0; i < 7; i++)
        {
            failures.Add((await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => gateway.CreateCustomerAsync(Stripes.Email(), $"down-{i}")))!);
        }
        Assert.That(failures[0].Message, Does.Contain("3 time(s)").And.Contain("HTTP 500"));
        Assert.That(failures.Take(6).Select(f => f.InnerException), Has.None.InstanceOf<BrokenCircuitException>());
        Assert.That(failures[^1].InnerException, Is.InstanceOf<BrokenCircuitException>());

        var attempts = gateway.LimiterStatistics.TotalSuccessfulLeases;
        var fast = await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() => gateway.CreateCustomerAsync(Stripes.Email(), "while-open"));
        Assert.That(fast!.InnerException, Is.InstanceOf<BrokenCircuitException>());
        Assert.That(gateway.LimiterStatistics.TotalSuccessfulLeases, Is.EqualTo(attempts), "refused before taking a rate token");

        server.Faults = new FaultOptions();
        string? recovered = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (recovered is null)
        {
            try
            {
                recovered = await gateway.CreateCustomerAsync(Stripes.Email(), "after-recovery");
            }
            catch (PaymentGatewayUnavailableException open) when (open.InnerException is BrokenCircuitException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        for (var i = 0; i < 5; i++)
        {
            Assert.That(await gateway.CreateCustomerAsync(Stripes.Email(), $"closed-{i}"), Does.StartWith("cus_"), "the circuit closed again");
        }
        Assert.That(server.Events().Count(e => e.Type == "customer.created"), Is.EqualTo(6));
        Assert.That(logger.Lines, Has.Some.Contain("circuit open").And.Some.Contain("circuit closed"));
    }
}
