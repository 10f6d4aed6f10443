using Crowdfund.Grains.Fulfilment;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Crowdfund.Messages.Outgoing;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Fulfilment;

/// <summary>The handoff on PostgreSQL: the freeze is a handful of set-based statements in one transaction.</summary>
public sealed class FulfilmentStore(NpgsqlDataSource dataSource) : IFulfilmentStore
{
    /// <summary>The statuses whose pledges become orders: collected, in full or after a partial refund.</summary>
    public const string OrderStatuses = "('Collected', 'PartiallyRefunded')";

    public async Task<FulfilmentState?> GetStateAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<FulfilmentState>("""
            SELECT f.address_lock_at AS AddressLockAt, f.frozen_at AS FrozenAt, p.partner_id AS PartnerId
              FROM fulfilments f LEFT JOIN partner_campaigns p ON p.campaign_id = f.campaign_id
             WHERE f.campaign_id = @campaignId
            """, new { campaignId });
    }

    public async Task<Refusal> SetLockAsync(string campaignId, DateTimeOffset at, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var changed = await connection.ExecuteAsync("""
            INSERT INTO fulfilments (campaign_id, address_lock_at, updated_at) VALUES (@campaignId, @at, @now)
            ON CONFLICT (campaign_id) DO UPDATE SET address_lock_at = @at, updated_at = @now
             WHERE fulfilments.frozen_at IS NULL
            """, new { campaignId, at, now });
        return changed == 1 ? Refusal.None : Refusal.AddressLocked;
    }

    public async Task<int?> FreezeAsync(string campaignId, int batchSize, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var frozen = await LockAsync(connection, tx, campaignId);
        if (frozen.FrozenAt is null)
        {
            if (frozen.PartnerId is null) return null;
            await BatchAsync(connection, tx, campaignId, frozen.PartnerId, batchSize, now);
            await connection.ExecuteAsync("UPDATE fulfilments SET frozen_at = @now, updated_at = @now WHERE campaign_id = @campaignId",
                new { campaignId, now }, tx);
        }
        var batches = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM order_batches WHERE campaign_id = @campaignId", new { campaignId }, tx);
        await tx.CommitAsync();
        return batches;
    }

    public async Task<int> BatchLateOrdersAsync(string campaignId, int batchSize, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        // Most calls find nothing: looked for without the lock first.
        var late = await connection.ExecuteScalarAsync<bool>($"""
            SELECT EXISTS (SELECT 1 FROM pledges p WHERE p.campaign_id = @campaignId AND p.status IN {OrderStatuses}
                              AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.id))
            """, new { campaignId });
        if (!late) return 0;
        await using var tx = await connection.BeginTransactionAsync();
        var frozen = await LockAsync(connection, tx, campaignId);
        if (frozen.FrozenAt is null || frozen.PartnerId is null) return 0;
        var batches = await BatchAsync(connection, tx, campaignId, frozen.PartnerId, batchSize, now);
        await tx.CommitAsync();
        return batches;
    }

    /// <summary>
    /// The campaign's handoff row, locked: the lock orders a freeze after any address correction under way (they take
    /// it FOR SHARE), and makes a second freeze wait for the first, then find it done.
    /// </summary>
    private static async Task<(DateTimeOffset? FrozenAt, string? PartnerId)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string campaignId) =>
        await connection.QuerySingleAsync<(DateTimeOffset? FrozenAt, string? PartnerId)>("""
            SELECT f.frozen_at, p.partner_id
              FROM fulfilments f LEFT JOIN partner_campaigns p ON p.campaign_id = f.campaign_id
             WHERE f.campaign_id = @campaignId
               FOR UPDATE OF f
            """, new { campaignId }, tx);

    /// <summary>
    /// Every pledge of an order status without an order becomes one, in new batches queued for the partner; returns how
    /// many batches it made. At the freeze that is every collected pledge. After it, a pledge that became collected
    /// later (a dispute won) goes into a batch of its own country numbered after the country's last one.
    /// </summary>
    private static async Task<int> BatchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string campaignId,
        string partnerId, int batchSize, DateTimeOffset now)
    {
        var args = new { campaignId, partnerId, batchSize, now, topic = OrderBatchV1.Type, version = OrderBatchV1.Version };
        // Orders of a country in the order their pledges were confirmed, cut every batchSize: the batch ids are
        // "{campaign}-{country}-{0001}", the same whoever freezes.
        await connection.ExecuteAsync($"""
            CREATE TEMPORARY TABLE freezing (
                id uuid, country text, backer_name text, shipping_address jsonb, units integer, tier_id text, sku text,
                sequence bigint) ON COMMIT DROP;

            INSERT INTO freezing
            SELECT p.id, p.country, p.backer_name, p.shipping_address, p.units, p.tier_id,
                   coalesce(t.definition ->> 'sku', upper(p.tier_id)) AS sku,
                   (row_number() OVER (PARTITION BY p.country ORDER BY p.confirmed_at, p.id) - 1) / @batchSize + 1 AS sequence
              FROM pledges p
              JOIN reward_tiers t ON t.campaign_id = p.campaign_id AND t.id = p.tier_id
             WHERE p.campaign_id = @campaignId AND p.status IN {OrderStatuses}
               AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.id);

            UPDATE freezing f SET sequence = f.sequence + last.sequence
              FROM (SELECT country, max(sequence) AS sequence FROM order_batches
                     WHERE campaign_id = @campaignId GROUP BY country) last
             WHERE last.country = f.country;

            INSERT INTO order_batches (id, campaign_id, partner_id, country, sequence, order_count, sku_units, status, created_at)
            SELECT @campaignId || '-' || lower(country) || '-' || lpad(sequence::text, 4, '0'), @campaignId, @partnerId,
                   country, sequence, sum(orders)::int, jsonb_object_agg(sku, units), 'Created', @now
              FROM (SELECT country, sequence, sku, count(*) AS orders, sum(units)::int AS units
                      FROM freezing GROUP BY country, sequence, sku) per_sku
             GROUP BY country, sequence;

            INSERT INTO orders (id, campaign_id, country, backer_name, shipping_address, lines, batch_id, created_at)
            SELECT f.id, @campaignId, f.country, f.backer_name, f.shipping_address,
                   jsonb_build_array(jsonb_build_object('sku', f.sku, 'quantity', f.units, 'editionNumbers',
                       coalesce((SELECT to_jsonb(array_agg(n ORDER BY n)) FROM edition_numbers e,
                                        generate_series(e.first_number, e.last_number) n WHERE e.pledge_id = f.id),
                                '[]'::jsonb))),
                   @campaignId || '-' || lower(f.country) || '-' || lpad(f.sequence::text, 4, '0'), @now
              FROM freezing f
             ORDER BY f.country, f.sequence, f.id;

            WITH sent AS (
                UPDATE order_batches SET sends = 1, last_sent_at = @now WHERE campaign_id = @campaignId AND sends = 0
                RETURNING id, campaign_id, sends)
            {QueueBatches("sent", "sends")};
            """, args, tx, commandTimeout: 600);
        return await connection.ExecuteScalarAsync<int>("SELECT count(DISTINCT (country, sequence))::int FROM freezing", transaction: tx);
    }

    public async Task<int> ResendAsync(string campaignId, DateTimeOffset sentBefore, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        // A send still waiting in the outbox (the partner is down) is not doubled: the outbox keeps trying it.
        return await connection.ExecuteAsync($"""
            WITH due AS (
                UPDATE order_batches b SET sends = sends + 1, last_sent_at = @now
                 WHERE b.campaign_id = @campaignId AND b.acknowledged_at IS NULL AND b.last_sent_at < @sentBefore
                   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.key = b.id || ':send:' || b.sends AND o.dispatched_at IS NULL)
                RETURNING b.id, b.campaign_id, b.sends)
            {QueueBatches("due", "sends")}
            """, new { campaignId, sentBefore, now, topic = OrderBatchV1.Type, version = OrderBatchV1.Version });
    }

    /// <summary>
    /// The outbox rows that send the batches of <paramref name="source"/> (rows with id, campaign_id and sends): the
    /// row holds only the batch's id, its key counts the sends, and its envelope id is the batch id on every send.
    /// </summary>
    private static string QueueBatches(string source, string send) => $"""
        INSERT INTO outbox (topic, key, payload, created_at)
        SELECT @topic, id || ':send:' || {send},
               jsonb_build_object('type', @topic, 'version', @version, 'id', id, 'occurredAt', @now,
                                  'data', jsonb_build_object('campaignId', campaign_id, 'batchId', id)),
               @now
          FROM {source}
        """;

    public async Task<bool> AllAcknowledgedAsync(string campaignId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT NOT EXISTS (SELECT 1 FROM order_batches WHERE campaign_id = @campaignId AND acknowledged_at IS NULL)",
            new { campaignId });
    }

    public async Task<FulfilmentView> ViewAsync(string campaignId, string? waiting)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var state = await connection.QuerySingleOrDefaultAsync<FulfilmentState>("""
            SELECT f.address_lock_at AS AddressLockAt, f.frozen_at AS FrozenAt, p.partner_id AS PartnerId
              FROM partner_campaigns p FULL JOIN fulfilments f ON f.campaign_id = p.campaign_id
             WHERE coalesce(f.campaign_id, p.campaign_id) = @campaignId
            """, new { campaignId });
        var batches = await BatchRows.HeadersAsync(connection, "b.campaign_id = @campaignId", new { campaignId });
        var countries = await PipelineAsync(connection, campaignId, state?.FrozenAt is not null);
        var attention = state?.FrozenAt is null ? [] : await AttentionAsync(connection, campaignId);
        return new FulfilmentView(campaignId, state?.PartnerId, state?.AddressLockAt, state?.FrozenAt, waiting, countries, batches, attention);
    }

    private static async Task<IReadOnlyList<OrderAttention>> AttentionAsync(NpgsqlConnection connection, string campaignId)
    {
        var rows = await connection.QueryAsync<(long Number, Guid PledgeId, string Country, string BatchId, string Status, bool Shipped)>($"""
            SELECT o.number, o.id, o.country, o.batch_id, p.status, s.order_id IS NOT NULL
              FROM orders o JOIN pledges p ON p.id = o.id LEFT JOIN shipments s ON s.order_id = o.id
             WHERE o.campaign_id = @campaignId AND p.status NOT IN {OrderStatuses}
             ORDER BY o.number
            """, new { campaignId });
        return rows.Select(r => new OrderAttention(BatchRows.Reference(r.Number), r.PledgeId, r.Country, r.BatchId,
            Enum.Parse<PledgeStatus>(r.Status), r.Shipped)).ToList();
    }

    private static async Task<IReadOnlyList<CountryPipeline>> PipelineAsync(NpgsqlConnection connection, string campaignId, bool frozen)
    {
        if (!frozen)
            return (await connection.QueryAsync<(string Country, int Orders)>($"""
                SELECT country, count(*)::int FROM pledges
                 WHERE campaign_id = @campaignId AND status IN {OrderStatuses}
                 GROUP BY country ORDER BY country
                """, new { campaignId })).Select(r => new CountryPipeline(r.Country, r.Orders, 0, 0, 0, 0)).ToList();
        return (await connection.QueryAsync<CountryPipeline>("""
            SELECT o.country AS Country, count(*)::int AS Orders, count(*)::int AS Batched,
                   count(*) FILTER (WHERE b.delivered_at IS NOT NULL)::int AS Delivered,
                   count(*) FILTER (WHERE b.acknowledged_at IS NOT NULL)::int AS Acknowledged,
                   count(s.order_id)::int AS Shipped
              FROM orders o JOIN order_batches b ON b.id = o.batch_id
                   LEFT JOIN shipments s ON s.order_id = o.id
             WHERE o.campaign_id = @campaignId
             GROUP BY o.country ORDER BY o.country
            """, new { campaignId })).ToList();
    }
}
