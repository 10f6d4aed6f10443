using Dapper;
using Npgsql;

namespace Crowdfund.Infrastructure.Messaging;

/// <summary>
/// The dispatcher's side of the outbox table: claims, marks and waits. Times are the database's clock (<c>now()</c>),
/// the one clock every silo shares, so that a lease means the same to all of them whatever their own clocks say.
/// </summary>
public sealed class OutboxRows(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows of these topics, oldest first, for <paramref name="lease"/>. SKIP
    /// LOCKED lets dispatchers claim side by side without waiting for each other; the lease keeps the rows theirs after
    /// the claim commits.
    /// </summary>
    public async Task<IReadOnlyList<OutboxDelivery>> ClaimAsync(IReadOnlyCollection<string> topics, int limit, TimeSpan lease,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxDelivery>(new CommandDefinition("""
            WITH due AS (
                SELECT id FROM outbox
                 WHERE dispatched_at IS NULL AND topic = ANY(@topics)
                   AND (next_attempt_at IS NULL OR next_attempt_at <= now())
                   AND (claimed_until IS NULL OR claimed_until <= now())
                 ORDER BY id
                 LIMIT @limit
                 FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET claimed_until = now() + @lease
              FROM due WHERE o.id = due.id
            RETURNING o.id AS Id, o.topic AS Topic, o.key AS Key, o.payload::text AS Payload,
                      o.created_at AS CreatedAt, o.attempts AS Attempts
            """, new { topics = topics.ToArray(), limit, lease }, cancellationToken: cancellationToken));
        return rows.OrderBy(r => r.Id).ToList();
    }

    /// <summary>Delivered: the row is done. Called right after the delivery, whatever the caller's cancellation.</summary>
    public async Task MarkDispatchedAsync(long id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE outbox SET dispatched_at = now(), claimed_until = NULL, last_error = NULL WHERE id = @id
            """, new { id });
    }

    /// <summary>A failed turn: counted, its reason kept, and the row waits <paramref name="wait"/>, or forever when null (parked).</summary>
    public async Task FailAsync(long id, string reason, TimeSpan? wait)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE outbox SET attempts = attempts + 1, last_error = @reason, claimed_until = NULL,
                   next_attempt_at = CASE WHEN @parked THEN 'infinity'::timestamptz ELSE now() + @wait END
             WHERE id = @id AND dispatched_at IS NULL
            """, new { id, reason = Shorten(reason), parked = wait is null, wait = wait ?? TimeSpan.Zero });
    }

    /// <summary>Not tried (its topic's circuit is open): the row waits without counting a failed turn.</summary>
    public async Task DeferAsync(long id, string reason, TimeSpan wait)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE outbox SET last_error = @reason, claimed_until = NULL, next_attempt_at = now() + @wait
             WHERE id = @id AND dispatched_at IS NULL
            """, new { id, reason = Shorten(reason), wait });
    }

    /// <summary>Claimed but not tried (the dispatcher stops, or its lease runs short): free for any dispatcher at once.</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE outbox SET claimed_until = NULL WHERE id = ANY(@ids) AND dispatched_at IS NULL",
            new { ids = ids.ToArray() });
    }

    private static string Shorten(string reason) => reason.Length <= 200 ? reason : reason[..200];
}
