using Crowdfund.Grains.Payments;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>Silos sharing one Stripe account's rate limit, against an emulator that enforces it.</summary>
public sealed class RateShareTests
{
    private const double AccountRate = 20;
    private const int CallsPerSilo = 20;

    [Test]
    public async Task Two_silos_taking_half_of_the_accounts_rate_each_burst_without_a_single_429()
    {
        await using var server = await Stripes.StartAsync(o => o.RequestsPerSecond = AccountRate);
        // No retries: a 429 would fail its call, and the emulator would hold one customer fewer.
        var options = Stripes.Options(server, o => (o.RequestsPerSecond, o.MaxRetries) = (AccountRate, 0));
        using var a = Stripes.Gateway(options, silos: 2);
        using var b = Stripes.Gateway(options, silos: 2);
        Assert.That(a.RequestsPerSecond, Is.EqualTo(AccountRate / 2));

        var failures = await BurstAsync(a, b);

        Assert.That(failures, Is.Empty);
        Assert.That(server.Events().Count(e => e.Type == "customer.created"), Is.EqualTo(2 * CallsPerSilo + 2),
            "the emulator executed every call: it answered none of them 429");
    }

    [Test]
    public async Task The_same_burst_from_two_silos_each_taking_the_whole_rate_meets_429s()
    {
        // The control of the test above: the emulator does refuse what goes past the account's rate.
        await using var server = await Stripes.StartAsync(o => o.RequestsPerSecond = AccountRate);
        var options = Stripes.Options(server, o => (o.RequestsPerSecond, o.MaxRetries) = (AccountRate, 0));
        using var a = Stripes.Gateway(options, silos: 1);
        using var b = Stripes.Gateway(options, silos: 1);

        var failures = await BurstAsync(a, b);

        Assert.That(failures, Is.Not.Empty);
        Assert.That(failures.Select(f => f.Message), Has.Some.Contain("HTTP 429"));
        Assert.That(server.Events().Count(e => e.Type == "customer.created"), Is.LessThan(2 * CallsPerSilo + 2));
    }

    /// <summary>
    /// One call per silo first, then a second for both buckets to fill again: the burst starts warm. A silo's very
    /// first call (connection, JIT) can take longer on a loaded machine than the half second of margin the limiter
    /// keeps, and the calls it held back would then reach the emulator at once; that is not what is tested here.
    /// </summary>
    private static async Task<List<PaymentGatewayUnavailableException>> BurstAsync(params IPaymentGateway[] silos)
    {
        foreach (var silo in silos) await silo.CreateCustomerAsync(Stripes.Email(), Guid.NewGuid().ToString());
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var calls = silos.SelectMany(silo => Enumerable.Range(0, CallsPerSilo).Select(async _ =>
        {
            try
            {
                await silo.CreateCustomerAsync(Stripes.Email(), Guid.NewGuid().ToString());
                return null;
            }
            catch (PaymentGatewayUnavailableException failed)
            {
                return failed;
            }
        }));
        return (await Task.WhenAll(calls)).OfType<PaymentGatewayUnavailableException>().ToList();
    }
}
