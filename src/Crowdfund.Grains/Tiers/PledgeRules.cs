using Crowdfund.Domain;
using Crowdfund.Domain.Rules;

namespace Crowdfund.Grains.Tiers;

internal static class PledgeRules
{
    public static bool QuantityAllowed(TierDefinition tier, int quantity) =>
        quantity >= 1 && quantity <= CampaignRules.MaxQuantity(tier);
}
