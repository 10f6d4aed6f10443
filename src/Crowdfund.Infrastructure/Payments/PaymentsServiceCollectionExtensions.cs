using Crowdfund.Grains.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Infrastructure.Payments;

public static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Stripe adapter: <see cref="StripeOptions"/> bound from "Crowdfund:Stripe" and checked when the host
    /// starts (a bad setting stops it, named), <see cref="StripeGateway"/> as the grains' <see cref="IPaymentGateway"/>,
    /// <see cref="StripeWebhooks"/> for the webhook edge, the <see cref="Reconciler"/> of the ledger with Stripe, and the
    /// silo count that sizes this silo's share of the account's rate limit.
    /// </summary>
    /// <remarks>
    /// In a silo the count follows Orleans' membership (<see cref="OrleansSiloCount"/>, which needs the silo's
    /// IClusterMembershipService and ILocalSiloDetails). A host without a silo, or a test, registers its own
    /// <see cref="ISiloCount"/> before calling this, such as <c>new FixedSiloCount(1)</c>; the first one registered wins.
    /// Uses the registered <see cref="TimeProvider"/>, or the system's.
    /// </remarks>
    public static IServiceCollection AddCrowdfundPayments(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISiloCount, OrleansSiloCount>();
        services.AddStripeHttpClient();
        services.TryAddSingleton(provider => new StripeGateway(
            provider.GetRequiredService<IOptions<StripeOptions>>().Value,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(StripeGateway.HttpClientName),
            provider.GetRequiredService<ISiloCount>(),
            provider.GetRequiredService<ILogger<StripeGateway>>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IPaymentGateway>(provider => provider.GetRequiredService<StripeGateway>());
        // The reconciliation reads the ledger through ReconciliationStore, registered with the other stores.
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton(provider => new StripeWebhooks(
            provider.GetRequiredService<IOptions<StripeOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// The HttpClient the gateway talks to Stripe with, from IHttpClientFactory. The gateway is a singleton holding one
    /// client for the process, so the handler is never rotated by the factory; its pooled connections are renewed every
    /// few minutes instead, so that a change of Stripe's addresses is seen. No timeout of its own: the Polly pipeline
    /// bounds each attempt, and a second timeout would only race it.
    /// </summary>
    public static IServiceCollection AddStripeHttpClient(this IServiceCollection services)
    {
        services.AddHttpClient(StripeGateway.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }
}
