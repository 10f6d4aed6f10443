namespace Crowdfund.Messages;

/// <summary>Where a campaign is in its life. ManufacturingConfirmed is an event, not a status: a campaign stays Live.</summary>
[GenerateSerializer, Alias("crowdfund.CampaignStatus")]
public enum CampaignStatus { Draft, Live, Succeeded, Failed }

/// <summary>
/// Where a pledge is in its life. <see cref="Domain.PledgeLifecycle"/> says which moves are allowed; the values are
/// stored by name, so they are never renamed.
/// </summary>
[GenerateSerializer, Alias("crowdfund.PledgeStatus")]
public enum PledgeStatus
{
    /// <summary>Rewards held for the hold window; the card is not saved yet. Does not count toward the goal.</summary>
    Reserved,

    /// <summary>The card is saved; the units count toward the goal.</summary>
    Confirmed,

    /// <summary>Cancelled by the backer before the deadline.</summary>
    Cancelled,

    /// <summary>The hold window passed without a saved card.</summary>
    Expired,

    /// <summary>The campaign failed: nothing is charged and the saved card is let go.</summary>
    Released,

    /// <summary>The campaign succeeded and the pledge is being charged.</summary>
    PaymentPending,

    /// <summary>Charged in full.</summary>
    Collected,

    /// <summary>The charge was declined; the backer may fix it within the fix window while retries run.</summary>
    PaymentFailed,

    /// <summary>The bank asks the backer to authenticate the charge (SCA).</summary>
    ActionRequired,

    /// <summary>The fix window passed without a successful charge; the rewards are released.</summary>
    Dropped,

    /// <summary>Refunded after collection.</summary>
    Refunded,

    /// <summary>The backer's bank disputes the charge.</summary>
    Disputed,

    /// <summary>Part of the charge was given back; the rest stays collected and the rewards are still owed.</summary>
    PartiallyRefunded,
}
