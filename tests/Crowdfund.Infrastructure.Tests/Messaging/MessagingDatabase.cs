using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>
/// A database of the mail tests' own, next to the test database and made anew for each run. A dispatcher takes every
/// due row of its topics: here, no host of another test assembly (each runs its own dispatcher on the shared test
/// database) can take the rows these tests count, and these tests take none of theirs.
/// </summary>
internal static class MessagingDatabase
{
    private static readonly Lazy<Task<string>> Created = new(CreateAsync);
    private static NpgsqlDataSource? dataSource;

    public static async Task<string> ConnectionStringAsync() => await Created.Value;

    public static async Task<NpgsqlDataSource> DataSourceAsync()
    {
        var connectionString = await Created.Value;
        return dataSource ??= NpgsqlDataSource.Create(connectionString);
    }

    private static async Task<string> CreateAsync()
    {
        var settings = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString);
        var name = $"{settings.Database}_messaging";
        await using (var admin = await TestDatabase.DataSource.OpenConnectionAsync())
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        settings.Database = name;
        DapperSetup.Configure();
        await using var migrating = NpgsqlDataSource.Create(settings.ConnectionString);
        await new Migrator(migrating, NullLogger<Migrator>.Instance).MigrateAsync();
        return settings.ConnectionString;
    }
}
