using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Crowdfund.Infrastructure.Orleans;

public static class PostgresSiloBuilderExtensions
{
    public const string StorageName = "crowdfund";

    /// <summary>
    /// Keeps the cluster's membership, reminders and grain state in the project's PostgreSQL schema, under the cluster
    /// and service ids of Orleans' own ClusterOptions, so that several clusters (tests) can share one database. The
    /// database itself (data source and migrations) is registered by AddCrowdfundDatabase.
    /// </summary>
    public static ISiloBuilder UseCrowdfundPostgres(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IMembershipTable, PostgresMembershipTable>();
        silo.Services.AddSingleton<IReminderTable, PostgresReminderTable>();
        silo.AddReminders();
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageName, (sp, _) =>
            ActivatorUtilities.CreateInstance<PostgresGrainStorage>(sp));
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) =>
            sp.GetRequiredKeyedService<IGrainStorage>(StorageName));
        return silo;
    }
}
