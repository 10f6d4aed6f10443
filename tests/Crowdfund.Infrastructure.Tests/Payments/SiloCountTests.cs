using Crowdfund.Grains.Payments;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Infrastructure.Tests.Payments;

/// <summary>Real silos on PostgreSQL: the share of the account's rate follows the cluster's membership.</summary>
public sealed class SiloCountTests
{
    private const double AccountRate = 90;

    [Test]
    public async Task Each_silo_takes_its_share_of_the_accounts_rate_and_the_survivor_takes_it_all_when_the_other_leaves()
    {
        var clusterId = TestSilo.NewClusterId("payments");
        await using var a = await TestSilo.StartAsync(clusterId, AddPayments);
        var first = a.Services.GetRequiredService<IPaymentGateway>();
        Assert.That(a.Services.GetRequiredService<ISiloCount>(), Is.InstanceOf<OrleansSiloCount>());
        await Eventually.Until(() => Task.FromResult(first.RequestsPerSecond == AccountRate), "a lone silo takes the whole rate");

        var b = await TestSilo.StartAsync(clusterId, AddPayments);
        var second = b.Services.GetRequiredService<IPaymentGateway>();
        await Eventually.Until(() => Task.FromResult(first.RequestsPerSecond == AccountRate / 2 && second.RequestsPerSecond == AccountRate / 2),
            "two silos take half each");

        await b.DisposeAsync();
        await Eventually.Until(() => Task.FromResult(first.RequestsPerSecond == AccountRate), "the survivor takes the whole rate again");
    }

    private static void AddPayments(IServiceCollection services)
    {
        services.AddCrowdfundPayments();
        services.Configure<StripeOptions>(o =>
        {
            o.SecretKey = "sk_test_silo_count";
            o.PublishableKey = "pk_test_silo_count";
            o.WebhookSecret = "whsec_silo_count";
            o.ApiBase = "http://127.0.0.1:9";
            o.RequestsPerSecond = AccountRate;
        });
    }
}
