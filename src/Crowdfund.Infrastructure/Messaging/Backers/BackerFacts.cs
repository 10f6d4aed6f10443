using Crowdfund.Messages;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Messaging.Backers;

/// <summary>What a message needs from the pledge and its campaign, read when it is sent: the outbox holds no personal data.</summary>
/// <param name="Locale">A culture name such as "fr-CA": the language and the formats the backer reads.</param>
/// <param name="Total">The pledge's total in minor units of <paramref name="Currency"/>.</param>
public sealed record BackerFacts(
    string BackerName,
    string BackerEmail,
    string Locale,
    string Country,
    string Currency,
    long Total,
    PledgeStatus Status,
    string Title,
    string Product);

/// <summary>Reads <see cref="BackerFacts"/> from the pledge and the campaign's definition.</summary>
public sealed class BackerFactsReader(NpgsqlDataSource dataSource)
{
    public async Task<BackerFacts?> ReadAsync(Guid pledgeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT p.backer_name AS BackerName, p.backer_email AS BackerEmail, p.locale AS Locale, p.country AS Country,
                   p.currency AS Currency, p.total AS Total, p.status AS Status,
                   c.definition->>'title' AS Title, c.definition->>'product' AS Product
              FROM pledges p JOIN campaigns c ON c.id = p.campaign_id
             WHERE p.id = @pledgeId
            """, new { pledgeId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new BackerFacts(row.BackerName, row.BackerEmail, row.Locale, row.Country, row.Currency, row.Total,
                Enum.Parse<PledgeStatus>(row.Status), row.Title ?? "", row.Product ?? "");
    }

    private sealed record Row(string BackerName, string BackerEmail, string Locale, string Country, string Currency,
        long Total, string Status, string? Title, string? Product);
}
