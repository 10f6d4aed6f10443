using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Crowdfund.Infrastructure.Orleans;

/// <summary>
/// Orleans' reminder table on PostgreSQL. Each row carries an etag that every upsert renews; a removal names the
/// etag it read and fails when the row changed since.
/// </summary>
public sealed class PostgresReminderTable(NpgsqlDataSource dataSource, IOptions<ClusterOptions> options)
    : IReminderTable
{
    private const string Columns = """
        grain_id AS GrainId, reminder_name AS ReminderName, start_at AS StartAt, period_ms AS PeriodMs, etag AS Etag
        """;

    private readonly string serviceId = options.Value.ServiceId;

    public Task Init() => Task.CompletedTask;

    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<ReminderRow>(
            $"SELECT {Columns} FROM orleans_reminders WHERE service_id = @serviceId AND grain_id = @grainId",
            new { serviceId, grainId = grainId.ToString() });
        return new ReminderTableData(rows.Select(r => r.ToEntry()));
    }

    /// <summary>
    /// The reminders whose grain hash lies in the ring range (begin, end]. A range with begin ≥ end wraps past the
    /// top of the ring; begin = end is the whole ring.
    /// </summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        var where = begin < end
            ? "grain_hash > @begin AND grain_hash <= @end"
            : "(grain_hash > @begin OR grain_hash <= @end)";
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<ReminderRow>(
            $"SELECT {Columns} FROM orleans_reminders WHERE service_id = @serviceId AND {where}",
            new { serviceId, begin = (long)begin, end = (long)end });
        return new ReminderTableData(rows.Select(r => r.ToEntry()));
    }

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<ReminderRow>($"""
            SELECT {Columns} FROM orleans_reminders
             WHERE service_id = @serviceId AND grain_id = @grainId AND reminder_name = @reminderName
            """, new { serviceId, grainId = grainId.ToString(), reminderName });
        return row?.ToEntry();
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var etag = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_at, period_ms, etag)
            VALUES (@serviceId, @grainId, @ReminderName, @hash, @startAt, @periodMs, 0)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
               SET start_at = excluded.start_at, period_ms = excluded.period_ms, etag = orleans_reminders.etag + 1
            RETURNING etag
            """, new
        {
            serviceId,
            grainId = entry.GrainId.ToString(),
            entry.ReminderName,
            hash = (long)entry.GrainId.GetUniformHashCode(),
            startAt = PostgresMembershipTable.Utc(entry.StartAt),
            periodMs = (long)entry.Period.TotalMilliseconds,
        });
        return etag.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!long.TryParse(eTag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var etag)) return false;
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            DELETE FROM orleans_reminders
             WHERE service_id = @serviceId AND grain_id = @grainId AND reminder_name = @reminderName AND etag = @etag
            """, new { serviceId, grainId = grainId.ToString(), reminderName, etag }) == 1;
    }

    public async Task TestOnlyClearTable()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM orleans_reminders WHERE service_id = @serviceId", new { serviceId });
    }

    private sealed class ReminderRow
    {
        public string GrainId { get; init; } = "";
        public string ReminderName { get; init; } = "";
        public DateTime StartAt { get; init; }
        public long PeriodMs { get; init; }
        public long Etag { get; init; }

        public ReminderEntry ToEntry() => new()
        {
            GrainId = global::Orleans.Runtime.GrainId.Parse(GrainId),
            ReminderName = ReminderName,
            StartAt = DateTime.SpecifyKind(StartAt, DateTimeKind.Utc),
            Period = TimeSpan.FromMilliseconds(PeriodMs),
            ETag = Etag.ToString(CultureInfo.InvariantCulture),
        };
    }
}
