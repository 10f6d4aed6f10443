using Crowdfund.Infrastructure.Pages;

namespace Crowdfund.Host.Pages;

/// <summary>The pages slice: the campaign page, the backer's pledge page and the team's dashboard, with their static files.</summary>
public static class PagesRegistration
{
    public static IServiceCollection AddCrowdfundPages(this IServiceCollection services)
    {
        services.AddTeamSession();
        services.AddSingleton<PagesStore>();
        services.AddSingleton<TeamFeed>();
        services.AddSingleton<PageViews>();
        services.AddHostedService(provider => provider.GetRequiredService<PageViews>());
        return services;
    }

    public static IEndpointRouteBuilder MapCrowdfundPages(this IEndpointRouteBuilder app)
    {
        StaticAssets.Map(app);
        CampaignPage.Map(app);
        BackerPage.Map(app);
        TeamPages.Map(app);
        return app;
    }
}
