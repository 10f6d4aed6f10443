using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;

namespace Crowdfund.Grains.Fulfilment;

/// <summary>The handoff's rows: the address lock, the freeze of orders into batches, resends and the pipeline.</summary>
public interface IFulfilmentStore
{
    Task<FulfilmentState?> GetStateAsync(string campaignId);

    /// <summary>Sets or moves the lock; AddressLocked once the orders are frozen.</summary>
    Task<Refusal> SetLockAsync(string campaignId, DateTimeOffset at, DateTimeOffset now);

    /// <summary>
    /// In one transaction, once: every collected pledge becomes an order, the orders of each country are cut into
    /// batches of at most <paramref name="batchSize"/>, and each batch is queued for the partner's webhook. Returns
    /// the number of batches, or null when no partner manufactures the campaign. Doing it again changes nothing.
    /// </summary>
    Task<int?> FreezeAsync(string campaignId, int batchSize, DateTimeOffset now);

    /// <summary>
    /// After the freeze, in one transaction: every pledge that became collected since (a dispute won) becomes an order,
    /// in batches of its country numbered after the country's last, queued for the partner. Returns the number of new
    /// batches; zero before the freeze, or when there is none.
    /// </summary>
    Task<int> BatchLateOrdersAsync(string campaignId, int batchSize, DateTimeOffset now);

    /// <summary>Queues again every batch last sent before <paramref name="sentBefore"/> and not acknowledged, unless its last send is still waiting in the outbox.</summary>
    Task<int> ResendAsync(string campaignId, DateTimeOffset sentBefore, DateTimeOffset now);

    /// <summary>Whether every batch of a frozen campaign is acknowledged.</summary>
    Task<bool> AllAcknowledgedAsync(string campaignId);

    Task<FulfilmentView> ViewAsync(string campaignId, string? waiting);
}

/// <summary>The campaign's handoff row and its partner.</summary>
public sealed record FulfilmentState(DateTimeOffset AddressLockAt, DateTimeOffset? FrozenAt, string? PartnerId);
