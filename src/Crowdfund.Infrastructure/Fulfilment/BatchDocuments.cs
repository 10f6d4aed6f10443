using System.Text.Json;
using Crowdfund.Messages.Fulfilment;
using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>
/// A batch written out as the partner reads it, streaming its orders so that memory stays flat whatever its size:
/// JSON for the webhook and the pull API (the CSV form is the host's <c>BatchCsv</c>).
/// </summary>
public static class BatchDocuments
{
    /// <summary>
    /// The webhook's body: the <c>partner.batch</c> envelope around the batch's fixed header and its orders. Nothing
    /// in it changes after the freeze, so every send of a batch has the same bytes, as the partner's dedup expects.
    /// </summary>
    public static Task WriteMessageAsync(Stream stream, BatchHeader header, IAsyncEnumerable<OrderRow> orders,
        CancellationToken cancellationToken) =>
        WriteAsync(stream, header, orders, envelope: true, cancellationToken);

    /// <summary>The pull API's answer: the header, where the batch stands now, and the orders.</summary>
    public static Task WriteJsonAsync(Stream stream, BatchHeader header, IAsyncEnumerable<OrderRow> orders,
        CancellationToken cancellationToken) =>
        WriteAsync(stream, header, orders, envelope: false, cancellationToken);

    private static async Task WriteAsync(Stream stream, BatchHeader header, IAsyncEnumerable<OrderRow> orders, bool envelope,
        CancellationToken cancellationToken)
    {
        var options = OutgoingJson.Options;
        await using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        if (envelope)
        {
            writer.WriteString("type", OrderBatchV1.Type);
            writer.WriteNumber("version", OrderBatchV1.Version);
            writer.WriteString("id", header.Id);
            writer.WriteString("occurredAt", header.CreatedAt);
            writer.WriteStartObject("data");
        }
        writer.WriteString("campaignId", header.CampaignId);
        writer.WriteString("batchId", header.Id);
        writer.WriteString("partnerId", header.PartnerId);
        writer.WriteString("country", header.Country);
        writer.WriteNumber("sequence", header.Sequence);
        writer.WriteString("createdAt", header.CreatedAt);
        writer.WriteNumber("orderCount", header.OrderCount);
        writer.WritePropertyName("skuUnits");
        writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(header.SkuUnits, options));
        if (!envelope)
        {
            // As the list and the acknowledgement answer it: the API's enums are written by name.
            writer.WriteString("status", header.Status.ToString());
            WriteTime(writer, "deliveredAt", header.DeliveredAt);
            WriteTime(writer, "acknowledgedAt", header.AcknowledgedAt);
        }
        writer.WriteStartArray("orders");
        var count = 0;
        await foreach (var order in orders.WithCancellation(cancellationToken))
        {
            // Serialized apart and written raw: JsonSerializer.Serialize(writer, ...) flushes the writer, and a flush
            // here would be a synchronous write to the response, which Kestrel refuses.
            writer.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(order, options));
            if (++count % 200 == 0) await writer.FlushAsync(cancellationToken);
        }
        writer.WriteEndArray();
        if (envelope) writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } at) writer.WriteString(name, at);
        else writer.WriteNull(name);
    }
}
