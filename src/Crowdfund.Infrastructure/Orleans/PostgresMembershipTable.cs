using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Crowdfund.Infrastructure.Orleans;

/// <summary>
/// Orleans' membership table on PostgreSQL. Every insert or update of a silo row also moves the table version
/// from the one the caller read to the next, in one transaction: when two silos race on the same version, the
/// row lock on the version makes the second find it moved and fail, as Orleans' protocol requires.
/// </summary>
public sealed class PostgresMembershipTable(NpgsqlDataSource dataSource, IOptions<ClusterOptions> options)
    : IMembershipTable
{
    private readonly string clusterId = options.Value.ClusterId;

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        if (!tryInitTableVersion) return;
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO orleans_membership_version (cluster_id, version) VALUES (@clusterId, 0) ON CONFLICT DO NOTHING",
            new { clusterId });
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM orleans_membership_version WHERE cluster_id = @clusterId", new { clusterId });
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            DELETE FROM orleans_membership
             WHERE cluster_id = @clusterId AND i_am_alive < @beforeDate AND status <> @active
            """, new { clusterId, beforeDate, active = (int)SiloStatus.Active });
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadAsync(key.ToParsableString());

    public Task<MembershipTableData> ReadAll() => ReadAsync(null);

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (!await MoveVersionAsync(connection, tx, tableVersion)) return false;
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO orleans_membership (cluster_id, silo_address, status, silo_name, host_name, proxy_port, role_name,
                                            update_zone, fault_zone, suspect_times, start_time, i_am_alive, etag)
            VALUES (@ClusterId, @SiloAddress, @Status, @SiloName, @HostName, @ProxyPort, @RoleName,
                    @UpdateZone, @FaultZone, @SuspectTimes, @StartTime, @IAmAlive, 0)
            ON CONFLICT DO NOTHING
            """, MembershipRow.From(clusterId, entry), tx);
        if (inserted == 0) return false;
        await tx.CommitAsync();
        return true;
    }

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (!await MoveVersionAsync(connection, tx, tableVersion)) return false;
        var row = MembershipRow.From(clusterId, entry);
        var updated = await connection.ExecuteAsync("""
            UPDATE orleans_membership
               SET status = @Status, silo_name = @SiloName, host_name = @HostName, proxy_port = @ProxyPort,
                   role_name = @RoleName, update_zone = @UpdateZone, fault_zone = @FaultZone,
                   suspect_times = @SuspectTimes, start_time = @StartTime, i_am_alive = @IAmAlive, etag = etag + 1
             WHERE cluster_id = @ClusterId AND silo_address = @SiloAddress AND etag = @Etag
            """, new
        {
            row.ClusterId, row.SiloAddress, row.Status, row.SiloName, row.HostName, row.ProxyPort, row.RoleName,
            row.UpdateZone, row.FaultZone, row.SuspectTimes, row.StartTime, row.IAmAlive, Etag = ParseEtag(etag),
        }, tx);
        if (updated == 0) return false;
        await tx.CommitAsync();
        return true;
    }

    /// <summary>Only the liveness time: Orleans does not treat it as a membership change, so no version or etag moves.</summary>
    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE orleans_membership SET i_am_alive = @IAmAlive WHERE cluster_id = @clusterId AND silo_address = @address",
            new { clusterId, address = entry.SiloAddress.ToParsableString(), IAmAlive = Utc(entry.IAmAliveTime) });
    }

    private async Task<MembershipTableData> ReadAsync(string? siloAddress)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        // One snapshot for both reads, so the version matches the rows returned with it.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        var version = await connection.ExecuteScalarAsync<int?>(
            "SELECT version FROM orleans_membership_version WHERE cluster_id = @clusterId", new { clusterId }, tx) ?? 0;
        var rows = await connection.QueryAsync<MembershipRow>("""
            SELECT cluster_id AS ClusterId, silo_address AS SiloAddress, status AS Status, silo_name AS SiloName,
                   host_name AS HostName, proxy_port AS ProxyPort, role_name AS RoleName, update_zone AS UpdateZone,
                   fault_zone AS FaultZone, suspect_times AS SuspectTimes, start_time AS StartTime,
                   i_am_alive AS IAmAlive, etag AS Etag
              FROM orleans_membership
             WHERE cluster_id = @clusterId AND (@siloAddress::text IS NULL OR silo_address = @siloAddress)
            """, new { clusterId, siloAddress }, tx);
        await tx.CommitAsync();
        var entries = rows.Select(r => Tuple.Create(r.ToEntry(), r.Etag.ToString(CultureInfo.InvariantCulture))).ToList();
        return new MembershipTableData(entries, new TableVersion(version, version.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Moves the version from the one the caller read (its etag) to the one it asks for; false if it moved meanwhile.</summary>
    private async Task<bool> MoveVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TableVersion next)
    {
        var moved = await connection.ExecuteAsync("""
            UPDATE orleans_membership_version SET version = @next, updated_at = now()
             WHERE cluster_id = @clusterId AND version = @read
            """, new { clusterId, next = next.Version, read = ParseEtag(next.VersionEtag) }, tx);
        return moved == 1;
    }

    private static int ParseEtag(string etag) =>
        int.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : -1;

    internal static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc);
}
