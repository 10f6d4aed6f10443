using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crowdfund.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Registers what the grains need besides the stores: their options and the domain clock.</summary>
    public static IServiceCollection AddCrowdfundGrains(this IServiceCollection services)
    {
        services.AddOptions<CrowdfundGrainOptions>().BindConfiguration(CrowdfundGrainOptions.Section);
        services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        return services;
    }
}
