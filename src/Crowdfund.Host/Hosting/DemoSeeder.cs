using Crowdfund.Grains;
using Crowdfund.Messages;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Hosting;

/// <summary>Creates and launches the demo campaign once, when "Crowdfund:Seed:Demo" is true and it does not exist yet.</summary>
internal sealed partial class DemoSeeder(IGrainFactory grains, IOptions<SeedSettings> settings, ILogger<DemoSeeder> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!settings.Value.Demo) return;
        var campaign = grains.GetGrain<ICampaignGrain>(DemoCampaign.Slug);
        if (await campaign.GetInfoAsync() is not null) return;
        // Two instances starting together may both get here; the grain lets only one creation through.
        if ((await campaign.CreateAsync(DemoCampaign.Definition(DateTimeOffset.UtcNow))).Refusal != Refusal.None) return;
        foreach (var tier in DemoCampaign.Tiers) await campaign.PutTierAsync(tier);
        var launched = await campaign.LaunchAsync();
        LogSeeded(logger, DemoCampaign.Slug, launched.Refusal == Refusal.None ? "launched" : launched.Refusal.ToString());
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo campaign {Slug} seeded: {Outcome}")]
    private static partial void LogSeeded(ILogger logger, string slug, string outcome);
}
