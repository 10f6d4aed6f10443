using Npgsql;

namespace Crowdfund.Testing;

/// <summary>
/// The real PostgreSQL the tests run against: CROWDFUND_DB, which './build.sh test' sets to a fresh database of
/// the private server. Run tests alone with: export CROWDFUND_DB="$(./build.sh db url crowdfund_test)".
/// </summary>
public static class TestDatabase
{
    public static string ConnectionString { get; } =
        Environment.GetEnvironmentVariable("CROWDFUND_DB") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "CROWDFUND_DB is not set: run the tests with './build.sh test', or export CROWDFUND_DB first.");

    private static readonly Lazy<NpgsqlDataSource> Shared = new(() => NpgsqlDataSource.Create(ConnectionString));

    /// <summary>A data source for assertions made straight against the database.</summary>
    public static NpgsqlDataSource DataSource => Shared.Value;
}
