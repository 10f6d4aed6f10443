namespace Crowdfund.Domain.Rules;

/// <summary>
/// The range of every count and amount a campaign, a tier or a pledge may hold, chosen so that no sum or product of
/// allowed values can overflow where it is computed:
/// <list type="bullet">
/// <item>units of one pledge ≤ <see cref="MaxQuantityPerPledge"/> × <see cref="MaxUnitsPerReward"/> = 10,000;</item>
/// <item>units of one tier ≤ <see cref="MaxTierRewards"/> × <see cref="MaxUnitsPerReward"/> = 10^8, and of a
/// campaign ≤ <see cref="MaxTiersPerCampaign"/> × 10^8 = 2 × 10^9, under int's 2,147,483,647;</item>
/// <item>a quote's largest intermediate is (price × quantity + shipping) × tax basis points ≤ 1.001 × 10^13, far
/// under long's 9.2 × 10^18, and every pledge total is at most <see cref="MaxPledgeTotal"/>, so the money of a
/// whole campaign (at most 2 × 10^7 pledges) stays under 2 × 10^15.</item>
/// </list>
/// A definition outside these ranges is refused at the team API, so no backer's page meets it.
/// </summary>
public static class Limits
{
    /// <summary>The manufacturing threshold, in product units.</summary>
    public const int MaxGoalUnits = 1_000_000;

    /// <summary>Product units in one reward (a duo pack is 2).</summary>
    public const int MaxUnitsPerReward = 100;

    /// <summary>Rewards in one pledge, whatever a tier's own per-backer maximum.</summary>
    public const int MaxQuantityPerPledge = 100;

    /// <summary>Rewards a tier can ever hold: the highest limit of a limited edition, and the capacity of an unlimited tier.</summary>
    public const int MaxTierRewards = 1_000_000;

    public const int MaxTiersPerCampaign = 20;

    /// <summary>Price of one reward, in minor units (100,000.00 in a two-decimal currency).</summary>
    public const long MaxPrice = 10_000_000;

    /// <summary>Shipping of one pledge, in minor units.</summary>
    public const long MaxShipping = 1_000_000;

    /// <summary>A tax rate of 100 %.</summary>
    public const int MaxTaxRateBasisPoints = 10_000;

    /// <summary>
    /// The total of one pledge, tax and shipping included: Stripe charges at most eight digits of minor units
    /// (999,999.99), so a larger pledge could never be collected.
    /// </summary>
    public const long MaxPledgeTotal = 99_999_999;

    public const int MaxMilestones = 10;
    public const int MaxMilestonePercent = 1_000;

    /// <summary>Campaigns run 30 to 60 days; a deadline further than this from launch is a typing error.</summary>
    public static readonly TimeSpan MaxCampaignLength = TimeSpan.FromDays(365);

    public const int MaxIdempotencyKeyLength = 255;
}
