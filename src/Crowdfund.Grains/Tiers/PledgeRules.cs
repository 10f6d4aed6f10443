using Crowdfund.Domain;

namespace Crowdfund.Grains.Tiers;

internal static class PledgeRules
{
    public static bool QuantityAllowed(TierDefinition tier, int quantity) =>
        quantity >= 1 && quantity <= (tier.MaxPerBacker ?? 100) && (tier.Limit is not { } limit || quantity <= limit);
}
