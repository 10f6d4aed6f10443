using Dapper;
using Npgsql;

namespace Crowdfund.Testing;

/// <summary>
/// A pledge's money written straight into the ledger's tables, as collection would leave it, for the tests of what reads
/// the ledger back (the reconciliation) without running collection itself.
/// </summary>
internal static class LedgerRows
{
    /// <summary>A pledge of the campaign in this status; with a payment, its charge row for <paramref name="chargeAttempt"/>.</summary>
    public static async Task<Guid> PledgeAsync(string campaignId, string status, string currency, long total,
        int chargeAttempt = 0, string? paymentIntentId = null, long collected = 0, long refunded = 0, Guid? id = null)
    {
        var pledgeId = id ?? Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO pledges (id, campaign_id, tier_id, country, quantity, units, status, currency, subtotal, shipping, tax,
                                 total, backer_name, backer_email, shipping_address, token_hash, idempotency_key, request_hash,
                                 created_at, updated_at, locale, charge_attempt, collected_amount, refunded_amount, collected_at)
            VALUES (@pledgeId, @campaignId, 'standard', 'FR', 1, 1, @status, @currency, @total, 0, 0,
                    @total, 'Ada Lovelace', 'ada@example.com', '{"line1":"1 rue de la Paix","city":"Paris","postalCode":"75002"}'::jsonb, '\x00', @key, '\x00',
                    @now, @now, 'fr-FR', @chargeAttempt, @collected, @refunded, CASE WHEN @collected > 0 THEN @now END)
            """, new { pledgeId, campaignId, status, currency, total, key = pledgeId.ToString(), now, chargeAttempt, collected, refunded });
        if (paymentIntentId is not null) await ChargeAsync(pledgeId, chargeAttempt, total, currency, paymentIntentId);
        return pledgeId;
    }

    /// <summary>One charge attempt of a pledge and the provider's payment it made.</summary>
    public static async Task ChargeAsync(Guid pledgeId, int attempt, long amount, string currency, string paymentIntentId)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO payment_charges (pledge_id, attempt, status, amount, currency, payment_intent_id, created_at, updated_at)
            VALUES (@pledgeId, @attempt, 'Settled', @amount, @currency, @paymentIntentId, now(), now())
            """, new { pledgeId, attempt, amount, currency, paymentIntentId });
    }

    /// <summary>A dispute the provider's events told of.</summary>
    public static async Task DisputeAsync(Guid pledgeId, string disputeId, string status, long amount, string currency,
        DateTimeOffset? createdAt = null)
    {
        await using var connection = await TestDatabase.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO payment_disputes (dispute_id, pledge_id, status, amount, currency, reason, created_at, updated_at)
            VALUES (@disputeId, @pledgeId, @status, @amount, @currency, 'fraudulent', @at, @at)
            """, new { disputeId, pledgeId, status, amount, currency, at = createdAt ?? DateTimeOffset.UtcNow });
    }
}
