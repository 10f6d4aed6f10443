using Crowdfund.Messages;
using Crowdfund.Messages.Payments;

namespace Crowdfund.Grains.Collection;

/// <summary>A campaign's collection run as stored: one row per campaign.</summary>
public sealed record CollectionRun(string CampaignId, CollectionStatus Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>Pledges of a campaign grouped by status, country, tier and currency, with their units and money.</summary>
public sealed record PledgeGroup(PledgeStatus Status, string Country, string TierId, string Currency, int Pledges, int Units,
    long Collected, long Refunded);

/// <summary>The collection grain's port: its run row, the pledges due, and the figures it shows.</summary>
public interface ICollectionStore
{
    Task<CollectionRun?> GetRunAsync(string campaignId);

    /// <summary>The run, made Running if there was none (a second start finds the first).</summary>
    Task<CollectionRun> StartRunAsync(string campaignId, DateTimeOffset now);

    Task SetStatusAsync(string campaignId, CollectionStatus status, DateTimeOffset now);

    /// <summary>
    /// Up to <paramref name="limit"/> pledge ids after <paramref name="after"/> (in id order) that the run must call
    /// now: to charge (confirmed, pending an answer, failed and due again or out of time), or to release.
    /// </summary>
    Task<IReadOnlyList<Guid>> DueAsync(string campaignId, CollectionKind kind, DateTimeOffset now, Guid after, int limit);

    /// <summary>When the next failed pledge becomes due (its retry or the end of its fix window), if any is waiting.</summary>
    Task<DateTimeOffset?> NextDueAsync(string campaignId);

    Task<IReadOnlyList<PledgeGroup>> GroupsAsync(string campaignId);
}
