using Crowdfund.Grains.Collection;
using Crowdfund.Infrastructure.Collection;
using Crowdfund.Grains.Campaigns;
using Crowdfund.Grains.Fulfilment;
using Crowdfund.Grains.Payments;
using Crowdfund.Grains.Pledges;
using Crowdfund.Grains.Tiers;
using Crowdfund.Infrastructure.Campaigns;
using Crowdfund.Infrastructure.Factory;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Infrastructure.Pledges;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crowdfund.Infrastructure.Postgres;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL implementations of the grains' ports; call after
    /// <see cref="DatabaseServiceCollectionExtensions.AddCrowdfundDatabase(IServiceCollection)"/>.
    /// </summary>
    public static IServiceCollection AddCrowdfundStores(this IServiceCollection services)
    {
        services.AddOptions<PledgeWriterOptions>().BindConfiguration(PledgeWriterOptions.Section)
            .Validate(o => o.QueueCapacity > 0, $"{PledgeWriterOptions.Section}:QueueCapacity must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<ICampaignStore, CampaignStore>();
        services.AddSingleton<IPledgeStore, PledgeStore>();
        services.AddSingleton<IEditionStore, EditionStore>();
        services.AddSingleton<IPaymentStore, PaymentStore>();
        services.AddSingleton<ILedgerStore, LedgerStore>();
        services.AddSingleton<ICollectionStore, CollectionStore>();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<PartnerStore>();
        services.AddSingleton<IFulfilmentStore, FulfilmentStore>();
        services.AddSingleton<BatchStore>();
        services.AddSingleton<AddressStore>();
        services.AddSingleton<StageStore>();
        services.AddSingleton<ShipmentStore>();
        services.AddSingleton<IPartnerForecastStore, PartnerForecastStore>();
        services.AddSingleton<PledgePathStats>();
        services.AddSingleton<IPledgeWriter>(provider => new PledgeWriter(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<ILogger<PledgeWriter>>(),
            provider.GetRequiredService<PledgePathStats>(),
            provider.GetRequiredService<IOptions<PledgeWriterOptions>>().Value.QueueCapacity));
        return services;
    }
}
