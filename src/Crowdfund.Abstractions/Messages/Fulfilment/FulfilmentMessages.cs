namespace Crowdfund.Messages.Fulfilment;

/// <summary>Where a batch stands with the partner.</summary>
[GenerateSerializer, Alias("crowdfund.BatchStatus")]
public enum BatchStatus
{
    /// <summary>Frozen and queued for the partner's webhook.</summary>
    Created,

    /// <summary>The partner's webhook took it (answered 2xx), or the partner read it.</summary>
    Delivered,

    /// <summary>The partner said it has it in its system; it is not sent again.</summary>
    Acknowledged,
}

/// <summary>A batch's header: what the partner needs to plan it before reading its orders.</summary>
/// <param name="SkuUnits">Product units per SKU in the batch (a duo pack counts 2).</param>
[GenerateSerializer, Immutable, Alias("crowdfund.BatchHeader")]
public sealed record BatchHeader(
    [property: Id(0)] string Id,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] string PartnerId,
    [property: Id(3)] string Country,
    [property: Id(4)] int Sequence,
    [property: Id(5)] int OrderCount,
    [property: Id(6)] IReadOnlyDictionary<string, int> SkuUnits,
    [property: Id(7)] BatchStatus Status,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? DeliveredAt,
    [property: Id(10)] DateTimeOffset? AcknowledgedAt,
    [property: Id(11)] int Sends);

/// <summary>The pipeline of one destination country, in orders: each step counts the orders that reached it.</summary>
/// <param name="Orders">Before the freeze, the collected pledges that will become orders; after it, the orders.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.CountryPipeline")]
public sealed record CountryPipeline(
    [property: Id(0)] string Country,
    [property: Id(1)] int Orders,
    [property: Id(2)] int Batched,
    [property: Id(3)] int Delivered,
    [property: Id(4)] int Acknowledged,
    [property: Id(5)] int Shipped);

/// <summary>
/// An order the partner has whose pledge is no longer collected: refunded in full, or disputed, after the freeze. Its
/// batch does not change (the partner has it); the team tells the partner, before the parcel ships if it has not.
/// </summary>
[GenerateSerializer, Immutable, Alias("crowdfund.OrderAttention")]
public sealed record OrderAttention(
    [property: Id(0)] string Reference,
    [property: Id(1)] Guid PledgeId,
    [property: Id(2)] string Country,
    [property: Id(3)] string BatchId,
    [property: Id(4)] PledgeStatus Status,
    [property: Id(5)] bool Shipped);

/// <summary>The handoff as the team sees it.</summary>
/// <param name="Waiting">What the freeze still waits for, in words, or null once frozen.</param>
/// <param name="Attention">The orders whose pledge is no longer collected, oldest order first.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.FulfilmentView")]
public sealed record FulfilmentView(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string? PartnerId,
    [property: Id(2)] DateTimeOffset? AddressLockAt,
    [property: Id(3)] DateTimeOffset? FrozenAt,
    [property: Id(4)] string? Waiting,
    [property: Id(5)] IReadOnlyList<CountryPipeline> Countries,
    [property: Id(6)] IReadOnlyList<BatchHeader> Batches,
    [property: Id(7)] IReadOnlyList<OrderAttention> Attention);

[GenerateSerializer, Immutable, Alias("crowdfund.FulfilmentResult")]
public sealed record FulfilmentResult([property: Id(0)] Refusal Refusal, [property: Id(1)] FulfilmentView? Fulfilment)
{
    public static FulfilmentResult Refused(Refusal refusal) => new(refusal, null);
}
