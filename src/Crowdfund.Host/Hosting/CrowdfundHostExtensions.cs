using System.Net;
using Crowdfund.Grains.Payments;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Host.Pages;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Infrastructure.Messaging;
using Crowdfund.Infrastructure.Orleans;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages.Outgoing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Crowdfund.Host.Hosting;

public static class CrowdfundHostExtensions
{
    /// <summary>
    /// Everything the host runs: the database, one silo on PostgreSQL, the grains and the HTTP edge. Every setting is
    /// read through an options class, checked when the host starts.
    /// </summary>
    public static WebApplicationBuilder AddCrowdfund(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCrowdfundDatabase().AddCrowdfundStores().AddCrowdfundGrains().AddCrowdfundPayments();
        services.AddSettings<PaymentSetupOptions>(PaymentSetupOptions.Section, s => s.Problem());
        services.AddSingleton<PaymentSetupQueue>();
        services.AddSettings<EdgeSettings>(EdgeSettings.Section, s => s.Problem());
        services.AddSettings<SiloSettings>(SiloSettings.Section, s => s.Problem());
        services.AddSettings<SeedSettings>(SeedSettings.Section, _ => null);
        services.AddSingleton<PledgeTokens>();
        services.AddSingleton<DashboardCache>();
        services.AddSingleton<Factory.StageCache>();
        services.AddSingleton<IDashboardSource, GrainDashboardSource>();
        services.AddSingleton<GrainReferences>();
        services.AddSingleton<ReservationBatcher>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddCrowdfundProblems();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default);
        });
        // No request of this API needs more; a bigger body is refused before it is read.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = JsonBody.MaxBytes);

        // Hosted services start in registration order: the schema is migrated before the silo starts.
        services.AddHostedService<MigrationService>();
        builder.UseOrleans(orleans =>
        {
            orleans.UseCrowdfundPostgres();
            orleans.Services.AddOptions<ClusterOptions>().Configure<IOptions<SiloSettings>>((cluster, silo) =>
                (cluster.ClusterId, cluster.ServiceId) = (silo.Value.ClusterId, silo.Value.ServiceId));
            orleans.Services.AddOptions<EndpointOptions>().Configure<IOptions<SiloSettings>>((endpoint, settings) =>
            {
                var silo = settings.Value;
                if (silo.Problem() is not null) return; // The settings' own check stops the host, naming the setting.
                endpoint.AdvertisedIPAddress = silo.Advertised;
                endpoint.SiloPort = silo.SiloPort;
                endpoint.GatewayPort = silo.GatewayPort;
                if (!silo.ListenOnAnyHostAddress) return;
                endpoint.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, silo.SiloPort);
                endpoint.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, silo.GatewayPort);
            });
            orleans.Configure<ClusterMembershipOptions>(FailureDetection.Configure);
            orleans.Services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<SiloSettings>>((directory, silo) =>
                directory.CacheSize = silo.Value.DirectoryCacheSize);
        });
        services.AddHostedService<DemoSeeder>();
        // After the silo: the setup queue calls pledge grains.
        services.AddHostedService(provider => provider.GetRequiredService<PaymentSetupQueue>());
        // After the migrations: the outbox dispatcher reads the tables from its start.
        services.AddBackerMessages().AddBackerLinks();
        services.AddSingleton<IPartnerTopic, BatchTopic>();
        services.AddPartnerWebhooks(ManufacturingConfirmedV1.Type, ForecastUpdatedV1.Type, FinalQuantitiesV1.Type, OrderBatchV1.Type);
        // After the migrations too: the page-view counter writes to its table.
        services.AddCrowdfundPages();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        return builder;
    }
}
