using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crowdfund.Infrastructure.Tests;

public sealed class MigratorTests
{
    [Test]
    public async Task Silos_starting_together_apply_each_migration_exactly_once()
    {
        // A database of its own, created on the test server, so the migrations start from nothing.
        var name = $"crowdfund_migrate_{Guid.NewGuid():N}"[..40];
        await using (var admin = await TestDatabase.DataSource.OpenConnectionAsync())
            await admin.ExecuteAsync($"CREATE DATABASE {name}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Database = name }.ConnectionString;
            var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();

            var results = await Task.WhenAll(sources.Select(s => new Migrator(s, NullLogger<Migrator>.Instance).MigrateAsync()));

            var expected = Migrator.LoadScripts().Select(s => s.Name).ToList();
            Assert.That(results.Count(r => r.Count == expected.Count), Is.EqualTo(1), "one starter applies everything");
            Assert.That(results.Count(r => r.Count == 0), Is.EqualTo(3), "the others find it done");
            await using var connection = await sources[0].OpenConnectionAsync();
            var recorded = (await connection.QueryAsync<string>("SELECT name FROM schema_migrations ORDER BY version")).ToList();
            Assert.That(recorded, Is.EqualTo(expected));
            Assert.That(await new Migrator(sources[0], NullLogger<Migrator>.Instance).MigrateAsync(), Is.Empty);
            foreach (var source in sources) await source.DisposeAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = await TestDatabase.DataSource.OpenConnectionAsync();
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }
}
