using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace Crowdfund.Infrastructure.Orleans;

/// <summary>
/// Grain state on PostgreSQL with optimistic concurrency: a write names the etag it read (none for a first write)
/// and fails with <see cref="InconsistentStateException"/> when the row moved on, so two activations of the same
/// grain can never overwrite each other's state unseen.
/// </summary>
public sealed class PostgresGrainStorage(
    NpgsqlDataSource dataSource,
    IGrainStorageSerializer serializer,
    IOptions<ClusterOptions> options) : IGrainStorage
{
    private readonly string serviceId = options.Value.ServiceId;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(byte[] Payload, long Etag)?>("""
            SELECT payload, etag FROM orleans_grain_state
             WHERE service_id = @serviceId AND state_name = @stateName AND grain_id = @grainId
            """, new { serviceId, stateName, grainId = grainId.ToString() });
        if (row is not { } found)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = serializer.Deserialize<T>(new BinaryData(found.Payload));
        grainState.ETag = found.Etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State).ToArray();
        var args = new { serviceId, stateName, grainId = grainId.ToString(), payload, etag = ParseEtag(grainState.ETag) };
        await using var connection = await dataSource.OpenConnectionAsync();
        var written = grainState.ETag is null
            ? await connection.ExecuteScalarAsync<long?>("""
                INSERT INTO orleans_grain_state (service_id, state_name, grain_id, payload, etag, updated_at)
                VALUES (@serviceId, @stateName, @grainId, @payload, 1, now())
                ON CONFLICT DO NOTHING
                RETURNING etag
                """, args)
            : await connection.ExecuteScalarAsync<long?>("""
                UPDATE orleans_grain_state SET payload = @payload, etag = etag + 1, updated_at = now()
                 WHERE service_id = @serviceId AND state_name = @stateName AND grain_id = @grainId AND etag = @etag
                RETURNING etag
                """, args);
        if (written is not { } etag)
            throw new InconsistentStateException($"State {stateName} of {grainId} changed since it was read.",
                "unknown", grainState.ETag ?? "none");
        grainState.ETag = etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is not null)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            var deleted = await connection.ExecuteAsync("""
                DELETE FROM orleans_grain_state
                 WHERE service_id = @serviceId AND state_name = @stateName AND grain_id = @grainId AND etag = @etag
                """, new { serviceId, stateName, grainId = grainId.ToString(), etag = ParseEtag(grainState.ETag) });
            if (deleted == 0)
                throw new InconsistentStateException($"State {stateName} of {grainId} changed since it was read.",
                    "unknown", grainState.ETag);
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = default!;
    }

    private static long ParseEtag(string? etag) =>
        long.TryParse(etag, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : -1;
}
