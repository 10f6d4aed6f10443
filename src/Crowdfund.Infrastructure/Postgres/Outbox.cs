using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Postgres;

/// <summary>A message to deliver at least once; <paramref name="Key"/> is unique and doubles as the idempotency key.</summary>
public sealed record OutboxMessage(string Topic, string Key, string PayloadJson, DateTimeOffset CreatedAt);

/// <summary>Writes outbox messages inside the caller's transaction, so that they commit with the state change.</summary>
public static class Outbox
{
    public static Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message) =>
        connection.ExecuteAsync("""
            INSERT INTO outbox (topic, key, payload, created_at)
            VALUES (@Topic, @Key, @PayloadJson::jsonb, @CreatedAt)
            ON CONFLICT (key) DO NOTHING
            """, message, transaction);
}
