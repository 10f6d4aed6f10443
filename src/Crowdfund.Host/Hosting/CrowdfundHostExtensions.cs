using System.Net;
using Crowdfund.Grains;
using Crowdfund.Infrastructure.Orleans;
using Crowdfund.Infrastructure.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace Crowdfund.Host.Hosting;

public static class CrowdfundHostExtensions
{
    /// <summary>Everything the host runs: the database, one silo on PostgreSQL, the grains and the HTTP edge.</summary>
    public static WebApplicationBuilder AddCrowdfund(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName)
            ?? Environment.GetEnvironmentVariable("CROWDFUND_DB") ?? "";
        builder.Services.AddCrowdfundDatabase(connectionString).AddCrowdfundStores().AddCrowdfundGrains();
        builder.Services.AddOptions<EdgeSettings>().BindConfiguration(EdgeSettings.Section);
        builder.Services.AddSingleton<Api.PledgeTokens>();
        builder.Services.AddSingleton<Api.DashboardCache>();
        builder.Services.AddSingleton<Api.GrainReferences>();
        builder.Services.AddSingleton<Api.ReservationBatcher>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, Api.ApiJson.Default);
        });
        // No request of this API needs more; a bigger body is refused before it is read.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Api.JsonBody.MaxBytes);

        // Hosted services start in registration order: the schema is migrated before the silo starts.
        builder.Services.AddHostedService<MigrationService>();
        var silo = configuration.GetSection(SiloSettings.Section).Get<SiloSettings>() ?? new SiloSettings();
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = silo.ClusterId;
                o.ServiceId = silo.ServiceId;
            });
            orleans.ConfigureEndpoints(IPAddress.Loopback, silo.SiloPort, silo.GatewayPort);
            orleans.UseCrowdfundPostgres(o =>
            {
                o.ClusterId = silo.ClusterId;
                o.ServiceId = silo.ServiceId;
            });
        });
        builder.Services.AddHostedService<DemoSeeder>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        return builder;
    }
}
