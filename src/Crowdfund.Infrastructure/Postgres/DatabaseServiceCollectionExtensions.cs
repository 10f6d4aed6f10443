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
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton<Migrator>();
        return services;
    }
}
