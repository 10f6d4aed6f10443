using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Registers what the grains need besides the stores: their options and the domain clock.</summary>
    public static IServiceCollection AddCrowdfundGrains(this IServiceCollection services)
    {
        services.AddOptions<CrowdfundGrainOptions>().BindConfiguration(CrowdfundGrainOptions.Section);
        services.AddOptions<Fulfilment.FulfilmentOptions>().BindConfiguration(Fulfilment.FulfilmentOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<Fulfilment.FulfilmentOptions>, Fulfilment.FulfilmentOptions.Validator>();
        services.TryAddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        return services;
    }
}
