using Crowdfund.Infrastructure.Postgres;

namespace Crowdfund.Host.Hosting;

/// <summary>Applies the schema migrations at start, before the silo (registered after it) starts.</summary>
internal sealed class MigrationService(Migrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
