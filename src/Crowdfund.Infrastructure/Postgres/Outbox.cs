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
}
