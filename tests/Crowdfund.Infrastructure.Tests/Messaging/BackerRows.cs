using Crowdfund.Domain;
using Crowdfund.Grains.Outbox;
using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>A pledge as a test wrote it, and what its mail should say.</summary>
internal sealed record TestPledge(Guid Id, string Name, string Email, string Locale, string Country, string Currency, long Total);

/// <summary>
/// Writes the rows a message is made from straight into the database, as the stores would: a campaign, pledges, and
/// outbox rows through the same insert the stores use.
/// </summary>
internal static class BackerRows
{
    public const string Title = "Retro Phone";
    public const string Product = "Cordless retro-styled landline phone";
    public const string From = "Crowdfund <mail@crowdfund.test>";

    public static async Task<string> CampaignAsync(NpgsqlDataSource db)
    {
        var slug = $"mail-{Guid.NewGuid():N}"[..20];
        var definition = new CampaignDefinition(slug, Title, Product, 500, DateTimeOffset.UtcNow.AddDays(-1),
            [new CountrySettings("FR", "EUR", 2000, true)], CampaignDefinition.DefaultMilestones);
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO campaigns (id, status, definition, created_at) VALUES (@slug, 'Succeeded', @definition::jsonb, now())
            """, new { slug, definition = StoreJson.Serialize(definition) });
        return slug;
    }

    public static async Task<TestPledge> PledgeAsync(NpgsqlDataSource db, string campaign, string locale, string country,
        string currency, long total = 123456, PledgeStatus status = PledgeStatus.Confirmed)
    {
        var pledge = new TestPledge(Guid.CreateVersion7(), "Zoë Ångström", $"backer-{Guid.NewGuid():N}@example.org", locale,
            country, currency, total);
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping,
                tax, total, backer_name, backer_email, shipping_address, token_hash, idempotency_key, request_hash,
                created_at, updated_at, locale)
            VALUES (@Id, @campaign, 'early', @Country, 1, 1, @status, @Currency, @Total, 0, 0, @Total, @Name, @Email,
                '{}', '\x00', @key, '\x00', now(), now(), @Locale)
            """, new { pledge.Id, campaign, pledge.Country, status = status.ToString(), pledge.Currency, pledge.Total,
                pledge.Name, pledge.Email, key = pledge.Id.ToString(), pledge.Locale });
        return pledge;
    }

    /// <summary>Writes the message to the outbox and returns the Message-ID its mail must carry.</summary>
    public static async Task<string> OutboxAsync(NpgsqlDataSource db, BackerMessageV1 message, string occasion = "1")
    {
        var row = OutboxMessage.Of(message.Envelope(occasion, new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero)));
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Outbox.AddAsync(connection, transaction, row);
        await transaction.CommitAsync();
        return BackerMail.MessageId(row.Key, "crowdfund.test");
    }

    /// <summary>Any other row: another topic, or a payload of its own.</summary>
    public static async Task<long> RawOutboxAsync(NpgsqlDataSource db, string topic, string payload)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO outbox (topic, key, payload, created_at) VALUES (@topic, @key, @payload::jsonb, now()) RETURNING id
            """, new { topic, key = $"raw-{Guid.NewGuid():N}", payload });
    }

    public static async Task<OutboxState> StateAsync(NpgsqlDataSource db, string messageKeyPart)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<OutboxState>("""
            SELECT dispatched_at IS NOT NULL AS Dispatched, attempts AS Attempts, last_error AS LastError,
                   next_attempt_at = 'infinity' AS Parked
              FROM outbox WHERE key LIKE '%' || @messageKeyPart || '%'
            """, new { messageKeyPart });
    }
}

internal sealed record OutboxState(bool Dispatched, int Attempts, string? LastError, bool? Parked);
