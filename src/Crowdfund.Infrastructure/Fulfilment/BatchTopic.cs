using System.Text.Json;
using Crowdfund.Infrastructure.Messaging;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>
/// <c>partner.batch</c> rows hold only the batch's id; the body is rendered from the frozen orders when sent, and a
/// 2xx marks the batch delivered.
/// </summary>
public sealed class BatchTopic(BatchStore batches, TimeProvider time) : IPartnerTopic
{
    public string Topic => OrderBatchV1.Type;

    public async Task<byte[]> BodyAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        var batchId = BatchId(delivery);
        await using var connection = await batches.OpenAsync(cancellationToken);
        var header = (await BatchRows.HeadersAsync(connection, "b.id = @batchId", new { batchId })).SingleOrDefault()
                     ?? throw new OutboxDeliveryException("no such batch", permanent: true);
        using var body = new MemoryStream();
        await BatchDocuments.WriteMessageAsync(body, header, BatchRows.OrdersAsync(connection, batchId, cancellationToken),
            cancellationToken);
        return body.ToArray();
    }

    public Task DeliveredAsync(OutboxDelivery delivery, CancellationToken cancellationToken) =>
        batches.MarkDeliveredAsync(BatchId(delivery), time.GetUtcNow());

    private static string BatchId(OutboxDelivery delivery)
    {
        using var json = JsonDocument.Parse(delivery.Payload);
        return json.RootElement.GetProperty("id").GetString()
               ?? throw new OutboxDeliveryException("no batch id", permanent: true);
    }
}
