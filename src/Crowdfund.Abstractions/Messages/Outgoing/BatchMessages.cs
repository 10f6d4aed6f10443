namespace Crowdfund.Messages.Outgoing;

/// <summary>
/// <c>partner.batch</c>, version 1: a batch of frozen orders for one destination country. Its envelope id is the
/// batch id, and so is the Idempotency-Key of every delivery: a batch sent again because it was not acknowledged in
/// time is the same batch. The data is the batch's header and its orders, as <c>GET /partner/v1/batches/{id}</c>
/// answers them (the README shows the JSON).
/// </summary>
public static class OrderBatchV1
{
    public const string Type = "partner.batch";
    public const int Version = 1;
}
