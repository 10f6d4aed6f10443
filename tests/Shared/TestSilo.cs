using System.Net;
using System.Net.Sockets;
using Crowdfund.Infrastructure.Orleans;
using Crowdfund.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Crowdfund.Testing;

/// <summary>
/// A real silo on the real PostgreSQL, with the project's own membership, reminder and storage providers.
/// Silos started with the same cluster id form one cluster; each test uses its own id so tests never meet.
/// Membership timings are shortened so that a killed silo is declared dead in seconds rather than a minute.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private TestSilo(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public static async Task<TestSilo> StartAsync(string clusterId, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddCrowdfundDatabase(TestDatabase.ConnectionString);
        services?.Invoke(builder.Services);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.UseCrowdfundPostgres();
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<ReminderOptions>(o =>
            {
                o.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                o.RefreshReminderListPeriod = TimeSpan.FromSeconds(2);
                o.InitializationTimeout = TimeSpan.FromSeconds(30);
            });
        });
        var host = builder.Build();
        await host.Services.GetRequiredService<Migrator>().MigrateAsync();
        await host.StartAsync();
        return new TestSilo(host);
    }

    /// <summary>Stops the silo without the goodbye of a graceful shutdown: the stop is cancelled from the start.</summary>
    public async Task KillAsync()
    {
        stopped = true;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        try
        {
            await host.StopAsync(cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: the stop was cancelled on purpose.
        }
        host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (stopped) return;
        stopped = true;
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>A port the OS just gave out, for silo and gateway endpoints (Orleans needs fixed ports).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewClusterId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
}
