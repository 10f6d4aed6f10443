using Crowdfund.Grains.Outbox;
using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Postgres;

/// <summary>Writes outbox messages inside the caller's transaction, so that they commit with the state change.</summary>
internal static class Outbox
{
    public static Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message) =>
        connection.ExecuteAsync("""
            INSERT INTO outbox (topic, key, payload, created_at)
            VALUES (@Topic, @Key, @PayloadJson::jsonb, @CreatedAt)
            ON CONFLICT (key) DO NOTHING
            """, message, transaction);

    /// <summary>Many messages in one statement (every backer of a campaign, at its end).</summary>
    public static async Task AddManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxMessage> messages)
    {
        if (messages.Count == 0) return;
        await connection.ExecuteAsync("""
            INSERT INTO outbox (topic, key, payload, created_at)
            SELECT topic, key, payload::jsonb, created_at FROM unnest(@topics, @keys, @payloads, @times) AS t(topic, key, payload, created_at)
            ON CONFLICT (key) DO NOTHING
            """, new
        {
            topics = messages.Select(m => m.Topic).ToArray(),
            keys = messages.Select(m => m.Key).ToArray(),
            payloads = messages.Select(m => m.PayloadJson).ToArray(),
            times = messages.Select(m => m.CreatedAt.UtcDateTime).ToArray(),
        }, transaction);
    }
}
