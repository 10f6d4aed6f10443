namespace Crowdfund.Messages;

/// <summary>Where a campaign is in its life. ManufacturingConfirmed is an event, not a status: a campaign stays Live.</summary>
[GenerateSerializer, Alias("crowdfund.CampaignStatus")]
public enum CampaignStatus { Draft, Live, Succeeded, Failed }

/// <summary>Where a pledge is in its life (the payment states come with the payment layer).</summary>
[GenerateSerializer, Alias("crowdfund.PledgeStatus")]
public enum PledgeStatus { Reserved, Confirmed, Cancelled, Expired }
