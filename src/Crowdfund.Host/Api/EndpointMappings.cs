using Crowdfund.Host.Factory;
using Crowdfund.Host.Fulfilment;
using Crowdfund.Host.Pages;
using Crowdfund.Host.Partners;
using Crowdfund.Host.Payments;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Crowdfund.Host.Api;

public static class EndpointMappings
{
    public static WebApplication MapCrowdfund(this WebApplication app)
    {
        // Unhandled errors and unmatched routes answer problem+json too, in the API's vocabulary, without internals;
        // every 503 says when to retry.
        app.UseRetryAfter();
        app.UseHeadWithoutBody();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi();
        app.MapPublic();
        app.MapTeam();
        app.MapPaymentSetup();
        app.MapStripeWebhooks();
        app.MapCollection();
        app.MapPartnerAdmin();
        app.MapPartnerCampaigns();
        app.MapPartnerBatches();
        app.MapFulfilment();
        app.MapStages();
        app.MapShipments();
        app.MapCrowdfundPages();
        return app;
    }
}
