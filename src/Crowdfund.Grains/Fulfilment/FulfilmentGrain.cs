using Crowdfund.Grains.Campaigns;
using Crowdfund.Grains.Collection;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Crowdfund.Messages.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Fulfilment;

/// <summary>
/// One campaign's handoff. It keeps nothing in memory: every call and reminder reads the rows, so that a silo lost
/// mid-freeze loses nothing (the freeze is one transaction) and another silo carries on.
/// </summary>
public sealed partial class FulfilmentGrain(
    IFulfilmentStore store,
    ICampaignStore campaigns,
    ICollectionStore collections,
    IOptions<FulfilmentOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<FulfilmentGrain> logger) : Grain, IFulfilmentGrain, IRemindable
{
    private const string Reminder = "fulfilment";

    private string Id => this.GetPrimaryKeyString();

    public async Task<FulfilmentResult> SetAddressLockAsync(DateTimeOffset at)
    {
        var campaign = await campaigns.GetAsync(Id);
        if (campaign is null) return FulfilmentResult.Refused(Refusal.CampaignNotFound);
        if (campaign.Status != CampaignStatus.Succeeded) return FulfilmentResult.Refused(Refusal.FulfilmentNotReady);
        var refusal = await store.SetLockAsync(Id, at, clock.GetUtcNow());
        if (refusal != Refusal.None) return FulfilmentResult.Refused(refusal);
        var period = options.Value.CheckPeriod;
        await this.RegisterOrUpdateReminder(Reminder, period, period);
        return await GetAsync();
    }

    public async Task<FulfilmentResult> GetAsync()
    {
        if (await campaigns.GetAsync(Id) is null) return FulfilmentResult.Refused(Refusal.CampaignNotFound);
        var waiting = await StepAsync();
        return new FulfilmentResult(Refusal.None, await store.ViewAsync(Id, waiting));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await StepAsync(late: true) is null && await store.AllAcknowledgedAsync(Id) && await this.GetReminder(Reminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    public async Task OrderLateAsync()
    {
        // The reminder may be gone (every batch was acknowledged): back until the new batches are acknowledged too.
        if (await StepAsync(late: true) is null && !await store.AllAcknowledgedAsync(Id))
        {
            var period = options.Value.CheckPeriod;
            await this.RegisterOrUpdateReminder(Reminder, period, period);
        }
    }

    /// <summary>
    /// Freezes when due, resends what timed out, and with <paramref name="late"/> batches the pledges collected since the
    /// freeze (not on every read of the team's view); returns what the freeze still waits for, or null once frozen.
    /// </summary>
    private async Task<string?> StepAsync(bool late = false)
    {
        var state = await store.GetStateAsync(Id);
        if (state is null) return "the team has not set the address lock";
        var now = clock.GetUtcNow();
        if (state.FrozenAt is null)
        {
            if (state.AddressLockAt > now) return "the address lock has not passed";
            if ((await collections.GetRunAsync(Id))?.Status != CollectionStatus.Finished) return "collection has not settled";
            if (await store.FreezeAsync(Id, options.Value.BatchSize, now) is not { } batches) return "no partner manufactures the campaign";
            LogFrozen(logger, Id, batches);
            return null;
        }
        if (late && await store.BatchLateOrdersAsync(Id, options.Value.BatchSize, now) is > 0 and var batched)
            LogLate(logger, Id, batched);
        var resent = await store.ResendAsync(Id, now - options.Value.AckTimeout, now);
        if (resent > 0) LogResent(logger, Id, resent);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: orders frozen into {Batches} batches for the partner")]
    private static partial void LogFrozen(ILogger logger, string campaignId, int batches);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: pledges collected after the freeze sent in {Batches} more batches")]
    private static partial void LogLate(ILogger logger, string campaignId, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: {Batches} batches not acknowledged in time, sent again")]
    private static partial void LogResent(ILogger logger, string campaignId, int batches);
}
