using Crowdfund.Testing;
using Dapper;

namespace Crowdfund.Host.Tests.Partners;

/// <summary>
/// Makes orders of pledges by SQL, one batch per call: it stands in for the freeze at the address lock, which needs a
/// whole collection first, so that the factory's API tests have orders to ship in a moment. The pledges are real ones,
/// made through the API. <see cref="ShipmentMailTests"/> runs the real flow (collection, lock, freeze) end to end.
/// </summary>
internal static class TestOrders
{
    /// <summary>
    /// Orders for <paramref name="pledgeIds"/> (all to one country) in one batch of <paramref name="partnerId"/>; their
    /// references by pledge id.
    /// </summary>
    public static async Task<Dictionary<string, string>> FreezeAsync(string campaignId, string partnerId, params string[] pledgeIds)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var batchId = $"{campaignId}-test-{Guid.NewGuid():N}";
        await connection.ExecuteAsync("""
            INSERT INTO order_batches (id, campaign_id, partner_id, country, sequence, order_count, sku_units, status, created_at)
            VALUES (@batchId, @campaignId, @partnerId, (SELECT country FROM pledges WHERE id = @first),
                    (SELECT coalesce(max(sequence), 0) + 1 FROM order_batches WHERE campaign_id = @campaignId),
                    @count, '{}'::jsonb, 'Created', now())
            """, new { batchId, campaignId, partnerId, first = Guid.Parse(pledgeIds[0]), count = pledgeIds.Length }, tx);
        var ids = pledgeIds.Select(Guid.Parse).ToArray();
        var numbers = await connection.QueryAsync<(Guid Id, long Number)>("""
            INSERT INTO orders (id, campaign_id, country, backer_name, shipping_address, lines, batch_id, created_at)
            SELECT id, campaign_id, country, backer_name, '{}'::jsonb,
                   jsonb_build_array(jsonb_build_object('sku', tier_id, 'quantity', quantity)), @batchId, now()
              FROM pledges WHERE id = ANY(@ids) AND campaign_id = @campaignId
            RETURNING id, number
            """, new { ids, campaignId, batchId }, tx);
        await tx.CommitAsync();
        var references = numbers.ToDictionary(n => n.Id.ToString(), n => $"CF-{n.Number:D7}");
        Assert.That(references, Has.Count.EqualTo(pledgeIds.Length), "every pledge became an order");
        return references;
    }
}
