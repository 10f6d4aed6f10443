using Crowdfund.Grains;

namespace Crowdfund.Host.Hosting;

/// <summary>Creates and launches the demo campaign once, when "Crowdfund:Seed:Demo" is true and it does not exist yet.</summary>
internal sealed partial class DemoSeeder(IGrainFactory grains, IConfiguration configuration, ILogger<DemoSeeder> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("Crowdfund:Seed:Demo")) return;
        var campaign = grains.GetGrain<ICampaignGrain>(DemoCampaign.Slug);
        if (await campaign.GetInfoAsync() is not null) return;
        // Two instances starting together may both get here; the grain lets only one creation through.
        if ((await campaign.CreateAsync(DemoCampaign.Definition(DateTimeOffset.UtcNow))).Error is not null) return;
        foreach (var tier in DemoCampaign.Tiers) await campaign.PutTierAsync(tier);
        var launched = await campaign.LaunchAsync();
        LogSeeded(logger, DemoCampaign.Slug, launched.Error ?? "launched");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo campaign {Slug} seeded: {Outcome}")]
    private static partial void LogSeeded(ILogger logger, string slug, string outcome);
}
