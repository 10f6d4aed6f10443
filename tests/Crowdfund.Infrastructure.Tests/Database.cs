using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crowdfund.Infrastructure.Tests;

internal static class Database
{
    private static readonly Lazy<Task> Migrated = new(() =>
        new Migrator(TestDatabase.DataSource, NullLogger<Migrator>.Instance).MigrateAsync());

    public static Task MigrateAsync() => Migrated.Value;
}
