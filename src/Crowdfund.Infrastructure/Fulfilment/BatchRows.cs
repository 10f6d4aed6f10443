using System.Data;
using System.Text.Json;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>One frozen order as the partner receives it.</summary>
public sealed record OrderRow(string Reference, string Country, string BackerName, ShippingAddress ShippingAddress,
    IReadOnlyList<OrderLine> Lines);

/// <summary>Units of one product SKU in an order, with the edition numbers of numbered editions (empty otherwise).</summary>
public sealed record OrderLine(string Sku, int Quantity, IReadOnlyList<int> EditionNumbers);

/// <summary>Reads batches and their orders; shared by the partner's pull API, the webhook body and the team's view.</summary>
public static class BatchRows
{
    /// <summary>"CF-0000042": the order's number, as the factory prints it.</summary>
    public static string Reference(long number) => $"CF-{number:D7}";

    public static async Task<IReadOnlyList<BatchHeader>> HeadersAsync(NpgsqlConnection connection, string where, object args,
        int? limit = null)
    {
        var rows = await connection.QueryAsync<HeaderRow>($"""
            SELECT b.id AS Id, b.campaign_id AS CampaignId, b.partner_id AS PartnerId, b.country AS Country,
                   b.sequence AS Sequence, b.order_count AS OrderCount, b.sku_units::text AS SkuUnits, b.status AS Status,
                   b.created_at AS CreatedAt, b.delivered_at AS DeliveredAt, b.acknowledged_at AS AcknowledgedAt, b.sends AS Sends
              FROM order_batches b
             WHERE {where}
             ORDER BY b.id
             {(limit is { } n ? $"LIMIT {n}" : "")}
            """, args);
        return rows.Select(r => r.ToHeader()).ToList();
    }

    /// <summary>
    /// The batch's orders in reference order, read one at a time from the server (unbuffered), so that a batch of any
    /// size streams in flat memory. The connection stays busy until the enumeration ends.
    /// </summary>
    public static async IAsyncEnumerable<OrderRow> OrdersAsync(NpgsqlConnection connection, string batchId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("""
            SELECT number, country, backer_name, shipping_address::text, lines::text
              FROM orders WHERE batch_id = @batchId ORDER BY number
            """, connection);
        command.Parameters.AddWithValue("batchId", batchId);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new OrderRow(Reference(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2),
                StoreJson.Deserialize<ShippingAddress>(reader.GetString(3)),
                StoreJson.Deserialize<List<OrderLine>>(reader.GetString(4)));
        }
    }

    private sealed record HeaderRow(string Id, string CampaignId, string PartnerId, string Country, int Sequence, int OrderCount,
        string SkuUnits, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? AcknowledgedAt,
        int Sends)
    {
        public BatchHeader ToHeader() => new(Id, CampaignId, PartnerId, Country, Sequence, OrderCount,
            JsonSerializer.Deserialize<SortedDictionary<string, int>>(SkuUnits)!, Enum.Parse<BatchStatus>(Status), CreatedAt,
            DeliveredAt, AcknowledgedAt, Sends);
    }
}
