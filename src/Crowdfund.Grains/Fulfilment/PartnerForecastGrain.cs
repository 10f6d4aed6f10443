using Crowdfund.Domain;
using Crowdfund.Grains.Campaigns;
using Crowdfund.Grains.Collection;
using Crowdfund.Grains.Outbox;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Messages.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Fulfilment;

/// <summary>
/// Follows a campaign from its production-go notice to its final quantities. Every figure is counted from the pledge
/// rows when it is sent, and each message is written with the record of it in one transaction, under an id made of
/// its number: a check repeated after a crash finds the number taken and sends nothing twice.
/// </summary>
public sealed partial class PartnerForecastGrain(
    IPartnerForecastStore forecasts,
    ICampaignStore campaigns,
    ICollectionStore collection,
    IOptions<CrowdfundGrainOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<PartnerForecastGrain> logger) : Grain, IPartnerForecastGrain, IRemindable
{
    private const string Reminder = "forecast";

    private bool following;

    private string Id => this.GetPrimaryKeyString();

    public async Task StartAsync()
    {
        if (following) return;
        var last = await forecasts.GetAsync(Id, ManufacturingConfirmedV1.IdOf(Id));
        if (last is null || last.FinalSentAt is not null) return;
        var period = CheckPeriod(options.Value.ForecastInterval);
        await this.RegisterOrUpdateReminder(Reminder, period, period);
        following = true;
    }

    public Task WakeAsync() => CheckAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == Reminder) await CheckAsync();
    }

    public async Task CheckAsync()
    {
        var campaign = await campaigns.GetAsync(Id);
        var last = await forecasts.GetAsync(Id, ManufacturingConfirmedV1.IdOf(Id));
        if (campaign is null || last is null)
        {
            await StopAsync();
            return;
        }
        switch (campaign.Status)
        {
            case CampaignStatus.Live:
                await UpdateAsync(campaign, last);
                break;
            case CampaignStatus.Succeeded when last.FinalSentAt is null:
                if (await SendFinalAsync(campaign)) await StopAsync();
                break;
            default:
                // Failed (nothing to manufacture), or the final quantities went already.
                await StopAsync();
                break;
        }
    }

    private async Task UpdateAsync(CampaignRecord campaign, PartnerForecast last)
    {
        var now = clock.GetUtcNow();
        if (now < last.SentAt + options.Value.ForecastInterval) return;
        var figures = await CountAsync(campaign, PledgeLifecycle.CountsTowardGoal);
        if (figures.SameFiguresAs(last.Figures)) return;
        var sequence = last.Sequence + 1;
        var data = new ForecastUpdatedV1(Id, campaign.Definition.Product, sequence, figures, campaign.Definition.Deadline);
        var message = OutboxMessage.Of(new OutgoingMessage<ForecastUpdatedV1>(ForecastUpdatedV1.Type, ForecastUpdatedV1.Version,
            ForecastUpdatedV1.IdOf(Id, sequence), now, data));
        if (await forecasts.RecordUpdateAsync(Id, sequence, figures, message)) LogUpdated(logger, Id, sequence, figures.Units);
    }

    /// <summary>The final quantities once every pledge is final; true when they are sent (now or before).</summary>
    private async Task<bool> SendFinalAsync(CampaignRecord campaign)
    {
        var run = await collection.GetRunAsync(Id);
        if (run is not { Status: CollectionStatus.Finished }) return false;
        var now = clock.GetUtcNow();
        var quantities = await CountAsync(campaign, PledgeLifecycle.IsCollected);
        var data = new FinalQuantitiesV1(Id, campaign.Definition.Product, quantities, run.FinishedAt ?? now);
        var message = OutboxMessage.Of(new OutgoingMessage<FinalQuantitiesV1>(FinalQuantitiesV1.Type, FinalQuantitiesV1.Version,
            FinalQuantitiesV1.IdOf(Id), now, data));
        if (await forecasts.RecordFinalAsync(Id, message)) LogFinal(logger, Id, quantities.Units);
        return true;
    }

    private async Task<UnitCounts> CountAsync(CampaignRecord campaign, Func<PledgeStatus, bool> counts)
    {
        var groups = await collection.GroupsAsync(Id);
        return ForecastFigures.Of(campaign.Tiers, groups.Where(g => counts(g.Status)).Select(g => (g.TierId, g.Country, g.Units)));
    }

    private async Task StopAsync()
    {
        following = false;
        if (await this.GetReminder(Reminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>
    /// The reminder only looks; the interval decides. Looking 24 times per interval (at most hourly, and no more often
    /// than Orleans' one-minute floor for reminders) sends an update within an hour of it falling due.
    /// </summary>
    private static TimeSpan CheckPeriod(TimeSpan interval) =>
        TimeSpan.FromTicks(Math.Clamp(interval.Ticks / 24, TimeSpan.FromMinutes(1).Ticks, TimeSpan.FromHours(1).Ticks));

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: forecast {Sequence} for the partner, {Units} units")]
    private static partial void LogUpdated(ILogger logger, string campaignId, int sequence, int units);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: final quantities for the partner, {Units} units")]
    private static partial void LogFinal(ILogger logger, string campaignId, int units);
}
