using Npgsql;

namespace Crowdfund.Testing;

/// <summary>
/// How many sessions wait on the locks a test's blocking transaction holds: the one way the tests learn that a writer
/// has queued behind it.
/// </summary>
public static class LockWaits
{
    public static async Task<int> CountAsync(NpgsqlConnection blocker, NpgsqlTransaction transaction)
    {
        // A transaction reads pg_stat_activity once and keeps that snapshot: without clearing it, a look taken before
        // the writers queued would be all a waiting loop ever sees (the test then times out, and its open transaction
        // holds up every other test that needs the table).
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", blocker, transaction))
            await clear.ExecuteNonQueryAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*)::int FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))", blocker, transaction);
        return (int)(await count.ExecuteScalarAsync())!;
    }
}
