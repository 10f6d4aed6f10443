using Crowdfund.Infrastructure.Campaigns;
using Crowdfund.Infrastructure.Pledges;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Infrastructure.Postgres;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Registers the domain stores; call after <see cref="DatabaseServiceCollectionExtensions.AddCrowdfundDatabase"/>.</summary>
    public static IServiceCollection AddCrowdfundStores(this IServiceCollection services)
    {
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<PledgeStore>();
        services.AddSingleton<PledgePathStats>();
        services.AddSingleton<PledgeWriter>();
        services.AddSingleton<EditionStore>();
        return services;
    }
}
