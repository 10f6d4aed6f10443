using Crowdfund.Grains.Tiers;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Pledges;

public sealed class EditionStore(NpgsqlDataSource dataSource) : IEditionStore
{
    public async Task<int> AssignAsync(string campaignId, string tierId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "DELETE FROM edition_numbers WHERE campaign_id = @campaignId AND tier_id = @tierId", new { campaignId, tierId }, tx);
        var numbered = await connection.ExecuteAsync("""
            INSERT INTO edition_numbers (campaign_id, tier_id, pledge_id, first_number, last_number)
            SELECT campaign_id, tier_id, id, running - quantity + 1, running
              FROM (SELECT campaign_id, tier_id, id, quantity,
                           sum(quantity) OVER (ORDER BY confirmed_at, id) AS running
                      FROM pledges
                     WHERE campaign_id = @campaignId AND tier_id = @tierId AND status = ANY(@counting)) AS counted
            """, new { campaignId, tierId, counting = PledgeStatuses.Counting }, tx);
        await tx.CommitAsync();
        return numbered;
    }

    public async Task<IReadOnlyList<EditionRange>> ReadAsync(string campaignId, string tierId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<EditionRange>("""
            SELECT pledge_id AS PledgeId, first_number AS FirstNumber, last_number AS LastNumber
              FROM edition_numbers WHERE campaign_id = @campaignId AND tier_id = @tierId ORDER BY first_number
            """, new { campaignId, tierId })).ToList();
    }
}
