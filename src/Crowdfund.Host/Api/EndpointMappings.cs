using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Crowdfund.Host.Api;

public static class EndpointMappings
{
    public static WebApplication MapCrowdfund(this WebApplication app)
    {
        // Unhandled errors and unmatched routes answer problem+json too, without internals.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi();
        app.MapPublic();
        app.MapTeam();
        app.MapBench();
        return app;
    }
}
