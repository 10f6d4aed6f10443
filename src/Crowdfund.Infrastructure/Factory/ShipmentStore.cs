using Crowdfund.Domain.Rules;
using Crowdfund.Grains.Outbox;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Factory;

/// <summary>One shipment as the partner sent it, checked: the order's number, the carrier, the tracking number.</summary>
public sealed record ShipmentLine(long OrderNumber, string Carrier, string TrackingNumber, DateTimeOffset ShippedAt);

/// <summary>A line of an upload that cannot be recorded, by its index in the upload.</summary>
public sealed record RefusedLine(int Index, Refusal Refusal);

/// <summary>What an upload did: each refused line (then nothing was written), or how many shipments are new.</summary>
public sealed record ShipmentOutcome(IReadOnlyList<RefusedLine> Refused, int Recorded, int Unchanged);

/// <summary>An order's shipment as its backer sees it.</summary>
public sealed record ShipmentView(string Carrier, string TrackingNumber, DateTimeOffset ShippedAt);

/// <summary>
/// The backer's order: its reference, when its batch reached the factory and when the factory acknowledged it, and,
/// once it left, its shipment.
/// </summary>
public sealed record OrderTracking(string Reference, DateTimeOffset? SentToFactoryAt, DateTimeOffset? AcknowledgedByFactoryAt,
    ShipmentView? Shipment);

/// <summary>
/// Shipments of orders, on PostgreSQL. No grain owns a shipment: each one is a single row per order, and the upload's
/// transaction locks the orders it names, which is all the serialising two uploads at once need.
/// </summary>
public sealed class ShipmentStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records every line or none. A line for an order that shipped already with the same carrier and tracking number
    /// changes nothing; with another, it is refused, as is a line for an order not of this campaign. Each new shipment
    /// writes its backer's message in the same transaction.
    /// </summary>
    public async Task<ShipmentOutcome> RecordAsync(string campaignId, IReadOnlyList<ShipmentLine> lines, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var numbers = lines.Select(l => l.OrderNumber).Distinct().ToArray();
        // Locked in one order (by id) so that two uploads naming the same orders wait for each other, never deadlock.
        var known = (await connection.QueryAsync<LockedOrder>("""
            SELECT o.id AS Id, o.number AS Number, s.carrier AS Carrier, s.tracking_number AS TrackingNumber
              FROM orders o LEFT JOIN shipments s ON s.order_id = o.id
             WHERE o.campaign_id = @campaignId AND o.number = ANY(@numbers)
             ORDER BY o.id
               FOR UPDATE OF o
            """, new { campaignId, numbers }, tx)).ToDictionary(o => o.Number);

        var refused = new List<RefusedLine>();
        var added = new Dictionary<long, (Guid OrderId, ShipmentLine Line)>();
        var unchanged = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!known.TryGetValue(line.OrderNumber, out var order))
            {
                refused.Add(new RefusedLine(i, Refusal.OrderNotFound));
                continue;
            }
            // Shipped before, or earlier in this same upload.
            (string Carrier, string Tracking)? previous = order.TrackingNumber is not null
                ? (order.Carrier!, order.TrackingNumber)
                : added.TryGetValue(line.OrderNumber, out var earlier) ? (earlier.Line.Carrier, earlier.Line.TrackingNumber) : null;
            if (previous is not { } shipment) added[line.OrderNumber] = (order.Id, line);
            else if (SameShipment(shipment.Carrier, shipment.Tracking, line)) unchanged++;
            else refused.Add(new RefusedLine(i, Refusal.ShipmentConflict));
        }
        if (refused.Count > 0) return new ShipmentOutcome(refused, 0, 0);

        var shipped = added.Values.ToList();
        await connection.ExecuteAsync("""
            INSERT INTO shipments (order_id, carrier, tracking_number, shipped_at, recorded_at)
            SELECT order_id, carrier, tracking_number, shipped_at, @now
              FROM unnest(@ids, @carriers, @trackings, @times) AS t(order_id, carrier, tracking_number, shipped_at)
            """, new
        {
            ids = shipped.Select(s => s.OrderId).ToArray(),
            carriers = shipped.Select(s => s.Line.Carrier).ToArray(),
            trackings = shipped.Select(s => s.Line.TrackingNumber).ToArray(),
            times = shipped.Select(s => s.Line.ShippedAt.UtcDateTime).ToArray(),
            now,
        }, tx);
        await Outbox.AddManyAsync(connection, tx, shipped.Select(s => Message(campaignId, s.OrderId, s.Line, now)).ToList());
        await tx.CommitAsync();
        return new ShipmentOutcome([], shipped.Count, unchanged);
    }

    /// <summary>The order made from a pledge and its shipment, or null while the pledge has no order.</summary>
    public async Task<OrderTracking?> TrackingAsync(Guid pledgeId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<TrackingRow>("""
            SELECT o.number AS Number, b.delivered_at AS DeliveredAt, b.acknowledged_at AS AcknowledgedAt,
                   s.carrier AS Carrier, s.tracking_number AS TrackingNumber, s.shipped_at AS ShippedAt
              FROM orders o JOIN order_batches b ON b.id = o.batch_id LEFT JOIN shipments s ON s.order_id = o.id
             WHERE o.id = @pledgeId
            """, new { pledgeId });
        return row is null
            ? null
            : new OrderTracking(BatchRows.Reference(row.Number), row.DeliveredAt, row.AcknowledgedAt,
                row.TrackingNumber is null ? null : new ShipmentView(row.Carrier!, row.TrackingNumber, row.ShippedAt!.Value));
    }

    /// <summary>A carrier's name is compared without case ("DHL" and "dhl" are one carrier); tracking numbers come normalized.</summary>
    private static bool SameShipment(string carrier, string tracking, ShipmentLine line) =>
        string.Equals(carrier, line.Carrier, StringComparison.OrdinalIgnoreCase) && tracking == line.TrackingNumber;

    private static OutboxMessage Message(string campaignId, Guid orderId, ShipmentLine line, DateTimeOffset now) =>
        OutboxMessage.Of(new BackerMessageV1(BackerMessageKind.Shipped, orderId, campaignId,
                OrderReference: BatchRows.Reference(line.OrderNumber), Carrier: line.Carrier,
                TrackingNumber: line.TrackingNumber, ShippedAt: line.ShippedAt)
            .Envelope(line.TrackingNumber, now));

    private sealed record LockedOrder(Guid Id, long Number, string? Carrier, string? TrackingNumber);

    private sealed record TrackingRow(long Number, DateTimeOffset? DeliveredAt, DateTimeOffset? AcknowledgedAt, string? Carrier,
        string? TrackingNumber, DateTimeOffset? ShippedAt);
}
