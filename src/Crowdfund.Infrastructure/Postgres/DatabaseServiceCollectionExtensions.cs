using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Crowdfund.Infrastructure.Postgres;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="NpgsqlDataSource"/> (and its pool) that every store and Orleans provider in
    /// the process shares, and the migration runner.
    /// </summary>
    public static IServiceCollection AddCrowdfundDatabase(this IServiceCollection services, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"Missing setting ConnectionStrings:{DatabaseOptions.ConnectionStringName} (or CROWDFUND_DB).");
        DapperSetup.Configure();
        services.AddSingleton(new DatabaseOptions { ConnectionString = connectionString });
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // Every statement of the stores is a fixed text, run thousands of times in a rush: let Npgsql prepare them
        // on each pooled connection, so PostgreSQL parses and plans each once, unless the operator chose otherwise.
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) settings.MaxAutoPrepare = 32;
        services.AddSingleton(_ => NpgsqlDataSource.Create(settings.ConnectionString));
        services.AddSingleton<Migrator>();
        return services;
    }
}
