using System.Runtime.CompilerServices;
using Crowdfund.Infrastructure.Pledges;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Pages;

/// <summary>One country's way from a page view to a collected pledge. Counts of pledges, not units.</summary>
/// <param name="Abandoned">Reservations that ended without a saved card (expired, or cancelled before one was saved).</param>
public sealed record CountryAppetite(string Country, long Views, long Reservations, long SavedCards, long Collected, long Abandoned);

/// <summary>Units and money of the pledges that count toward the goal, for one country in one currency.</summary>
public sealed record CountryMoney(string Country, string Currency, long Units, long Total);

/// <summary>A pledge as the team's export writes it: personal data by nature, so it goes to the team only and never to a log.</summary>
public sealed record PledgeExportRow(
    Guid Id, string TierId, string Country, int Quantity, int Units, string Status, string Currency, long Subtotal,
    long Shipping, long Tax, long Total, string BackerName, string BackerEmail, string? Line1, string? Line2, string? City,
    string? Region, string? PostalCode, string Locale, DateTime CreatedAt, DateTime? ConfirmedAt);

/// <summary>A backer per country (one email), with what their pledges add up to.</summary>
public sealed record BackerExportRow(
    string Country, string BackerEmail, string BackerName, string Locale, long Pledges, long CountingUnits, DateTime FirstPledgeAt);

/// <summary>What the pages read and write in PostgreSQL: page-view counters, the appetite funnel and the team's exports.</summary>
public sealed class PagesStore(NpgsqlDataSource dataSource)
{
    // Pledges that were charged at some point; a refund or a dispute later does not undo the conversion.
    private static readonly string[] EverCollected = ["Collected", "Refunded", "PartiallyRefunded", "Disputed"];

    /// <summary>Adds counted views, one row per campaign, country and day.</summary>
    public async Task AddViewsAsync(IReadOnlyList<(string Campaign, string Country, DateOnly Day, long Views)> views,
        CancellationToken cancellationToken = default)
    {
        if (views.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO page_views (campaign_id, country, day, views)
            SELECT * FROM unnest(@Campaigns, @Countries, @Days, @Views)
            ON CONFLICT (campaign_id, country, day) DO UPDATE SET views = page_views.views + EXCLUDED.views
            """,
            new
            {
                Campaigns = views.Select(v => v.Campaign).ToArray(), Countries = views.Select(v => v.Country).ToArray(),
                Days = views.Select(v => v.Day).ToArray(), Views = views.Select(v => v.Views).ToArray(),
            }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<CountryAppetite> Appetite, IReadOnlyList<CountryMoney> Money)> ReadAppetiteAsync(string campaignId,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var appetite = await connection.QueryAsync<CountryAppetite>(new CommandDefinition("""
            WITH v AS (SELECT country, sum(views)::bigint AS views FROM page_views WHERE campaign_id = @campaignId GROUP BY country),
                 p AS (SELECT country,
                              count(*) AS reservations,
                              count(*) FILTER (WHERE confirmed_at IS NOT NULL) AS saved_cards,
                              count(*) FILTER (WHERE status = ANY(@collected)) AS collected,
                              count(*) FILTER (WHERE confirmed_at IS NULL AND status IN ('Expired', 'Cancelled')) AS abandoned
                       FROM pledges WHERE campaign_id = @campaignId GROUP BY country)
            SELECT country AS Country, coalesce(v.views, 0) AS Views, coalesce(p.reservations, 0) AS Reservations,
                   coalesce(p.saved_cards, 0) AS SavedCards, coalesce(p.collected, 0) AS Collected,
                   coalesce(p.abandoned, 0) AS Abandoned
            FROM v FULL JOIN p USING (country)
            ORDER BY country
            """, new { campaignId, collected = EverCollected }, cancellationToken: cancellationToken));
        var money = await connection.QueryAsync<CountryMoney>(new CommandDefinition("""
            SELECT country AS Country, currency AS Currency, sum(units)::bigint AS Units, sum(total)::bigint AS Total
            FROM pledges WHERE campaign_id = @campaignId AND status = ANY(@counting)
            GROUP BY country, currency ORDER BY country, currency
            """, new { campaignId, counting = PledgeStatuses.Counting }, cancellationToken: cancellationToken));
        return (appetite.AsList(), money.AsList());
    }

    /// <summary>The campaigns, newest first, for the team's start page.</summary>
    public async Task<IReadOnlyList<(string Id, string Status)>> ListCampaignsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT id, status FROM campaigns ORDER BY created_at DESC LIMIT 100", cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Every pledge of a campaign (of one country when given), oldest first, streamed rather than held in memory.</summary>
    public async IAsyncEnumerable<PledgeExportRow> ExportPledgesAsync(string campaignId, string? country,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<PledgeExportRow>("""
            SELECT id AS Id, tier_id AS TierId, country AS Country, quantity AS Quantity, units AS Units, status AS Status,
                   currency AS Currency, subtotal AS Subtotal, shipping AS Shipping, tax AS Tax, total AS Total,
                   backer_name AS BackerName, backer_email AS BackerEmail, shipping_address->>'line1' AS Line1,
                   shipping_address->>'line2' AS Line2, shipping_address->>'city' AS City,
                   shipping_address->>'region' AS Region, shipping_address->>'postalCode' AS PostalCode, locale AS Locale,
                   created_at AS CreatedAt, confirmed_at AS ConfirmedAt
            FROM pledges WHERE campaign_id = @campaignId AND (@country::text IS NULL OR country = @country)
            ORDER BY created_at, id
            """, new { campaignId, country });
        await foreach (var row in rows.WithCancellation(cancellationToken)) yield return row;
    }

    /// <summary>One row per backer (an email) and country, with their pledges and the units that count.</summary>
    public async IAsyncEnumerable<BackerExportRow> ExportBackersAsync(string campaignId, string? country,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<BackerExportRow>("""
            SELECT country AS Country, backer_email AS BackerEmail,
                   (array_agg(backer_name ORDER BY created_at DESC))[1] AS BackerName,
                   (array_agg(locale ORDER BY created_at DESC))[1] AS Locale,
                   count(*) AS Pledges,
                   coalesce(sum(units) FILTER (WHERE status = ANY(@counting)), 0)::bigint AS CountingUnits,
                   min(created_at) AS FirstPledgeAt
            FROM pledges WHERE campaign_id = @campaignId AND (@country::text IS NULL OR country = @country)
            GROUP BY country, backer_email
            ORDER BY country, min(created_at)
            """, new { campaignId, country, counting = PledgeStatuses.Counting });
        await foreach (var row in rows.WithCancellation(cancellationToken)) yield return row;
    }
}
