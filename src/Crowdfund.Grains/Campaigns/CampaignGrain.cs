using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains.Fulfilment;
using Crowdfund.Grains.Outbox;
using Crowdfund.Grains.Pledges;
using Crowdfund.Grains.Tiers;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Campaigns;

/// <summary>
/// A campaign: its definition and lifecycle (stored in the campaigns table), the totals of its tiers (in memory,
/// from their snapshots), its milestones, and a durable reminder that checks the deadline and wakes the tiers.
/// </summary>
public sealed partial class CampaignGrain(
    ICampaignStore campaigns,
    IPledgeStore pledges,
    IEditionStore editions,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<CrowdfundGrainOptions> options,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable
{
    private const string TickReminder = "tick";

    private readonly CampaignFigures figures = new();
    private readonly Velocity velocity = new();
    private CampaignRecord? record;
    private bool forecastsFollowed;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        record = await campaigns.GetAsync(Id);
        if (record is null || record.Status == CampaignStatus.Draft) return;
        await RefreshAsync();
        var now = clock.GetUtcNow();
        velocity.Seed(now, figures.ConfirmedUnits, await pledges.ConfirmedUnitsSinceAsync(Id, now.AddHours(-1)));
        if (record.Status == CampaignStatus.Live) await EnsureTickAsync();
    }

    public async Task<CampaignCommandResult> CreateAsync(CampaignDefinition definition)
    {
        if (definition.Slug != Id) return CampaignCommandResult.Fail(Refusal.ValidationFailed, new Problem("slug", "slug_mismatch", "The slug does not match the address."));
        var (clean, problems) = CampaignRules.CheckDefinition(definition);
        if (problems.Count > 0) return CampaignCommandResult.Fail(Refusal.ValidationFailed, problems);
        if (!await campaigns.InsertAsync(clean, clock.GetUtcNow())) return CampaignCommandResult.Fail(Refusal.CampaignExists);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> UpdateAsync(CampaignDefinition definition)
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        if (definition.Slug != Id) return CampaignCommandResult.Fail(Refusal.ValidationFailed, new Problem("slug", "slug_mismatch", "The slug cannot change."));
        var (clean, problems) = CampaignRules.CheckDefinition(definition);
        if (problems.Count > 0) return CampaignCommandResult.Fail(Refusal.ValidationFailed, problems);
        if (!await campaigns.UpdateDefinitionAsync(clean)) return CampaignCommandResult.Fail(Refusal.CampaignNotDraft);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> PutTierAsync(TierDefinition tier)
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        var (clean, problems) = CampaignRules.CheckTier(tier);
        if (problems.Count > 0) return CampaignCommandResult.Fail(Refusal.ValidationFailed, problems);
        if (record!.Tiers.Count >= Limits.MaxTiersPerCampaign && record.Tiers.All(t => t.Id != clean.Id))
            return CampaignCommandResult.Fail(Refusal.ValidationFailed,
                new Problem("id", "too_many", $"A campaign has at most {Limits.MaxTiersPerCampaign} tiers."));
        if (!await campaigns.PutTierAsync(Id, clean)) return CampaignCommandResult.Fail(Refusal.CampaignNotDraft);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> RemoveTierAsync(string tierId)
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        if (!await campaigns.RemoveTierAsync(Id, tierId)) return CampaignCommandResult.Fail(Refusal.TierNotFound);
        // A tier grain activated while the tier existed must forget it.
        await Tier(tierId).ReloadAsync();
        figures.Remove(tierId);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> LaunchAsync()
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        var problems = CampaignRules.LaunchProblems(record!.Definition, record.Tiers, clock.GetUtcNow());
        if (problems.Count > 0) return CampaignCommandResult.Fail(Refusal.LaunchBlocked, problems);
        if (!await campaigns.LaunchAsync(Id, clock.GetUtcNow())) return CampaignCommandResult.Fail(Refusal.CampaignNotDraft);
        var result = await ReloadAsync();
        // Tier grains read the definition at activation; the frozen one replaces whatever a draft left them.
        await Task.WhenAll(record.Tiers.Select(t => Tier(t.Id).ReloadAsync()));
        velocity.Seed(clock.GetUtcNow(), 0, 0);
        await EnsureTickAsync();
        LogLaunched(logger, Id);
        return result;
    }

    public Task<CampaignInfo?> GetInfoAsync() => Task.FromResult(record is null ? null : Info(record));

    public Task<PublicCampaign?> GetPublicAsync()
    {
        if (record is null || record.Status == CampaignStatus.Draft) return Task.FromResult<PublicCampaign?>(null);
        var threshold = Threshold.Of(record.Definition);
        var confirmed = figures.ConfirmedUnits;
        var progress = new Progress(threshold.GoalUnits, confirmed, threshold.PercentOf(confirmed), figures.Backers,
            HasEvent(Threshold.ManufacturingConfirmed));
        var remaining = record.Tiers.ToDictionary(t => t.Id, t => t.Limit is null ? null : figures.RemainingOf(t.Id) ?? t.Limit);
        return Task.FromResult<PublicCampaign?>(new PublicCampaign(Info(record), progress, remaining));
    }

    public Task<Dashboard?> GetDashboardAsync()
    {
        if (record is null) return Task.FromResult<Dashboard?>(null);
        var now = clock.GetUtcNow();
        var confirmed = figures.ConfirmedUnits;
        var pace = velocity.UnitsPerHour(now, confirmed);
        var tiers = record.Tiers.Select(t => figures.Tiers.FirstOrDefault(s => s.TierId == t.Id) is { } s
                ? new TierFigures(t.Id, s.ConfirmedUnits, s.ReservedUnits, s.RewardsHeld, s.Remaining, s.ConfirmedBackers, s.ConfirmedMoneyByCurrency)
                : new TierFigures(t.Id, 0, 0, 0, t.Limit, 0, new Dictionary<string, long>()))
            .ToList();
        return Task.FromResult<Dashboard?>(new Dashboard(Id, record.Status, record.Definition.GoalUnits, confirmed,
            figures.ReservedUnits, figures.Backers, figures.ConfirmedUnitsByCountry(), figures.ReservedUnitsByCountry(),
            figures.ConfirmedMoneyByCurrency(), tiers, record.Events, pace,
            Velocity.EstimateGoal(now, confirmed, record.Definition.GoalUnits, pace), record.Definition.Deadline, now));
    }

    public async Task ReportTierAsync(TierSnapshot snapshot)
    {
        if (record is null || !figures.Apply(snapshot)) return;
        velocity.Record(clock.GetUtcNow(), figures.ConfirmedUnits);
        await RecordThresholdsAsync();
    }

    public async Task RefreshAsync()
    {
        if (record is null) return;
        var snapshots = await Task.WhenAll(record.Tiers.Select(t => Tier(t.Id).GetSnapshotAsync()));
        foreach (var snapshot in snapshots) figures.Apply(snapshot);
        velocity.Record(clock.GetUtcNow(), figures.ConfirmedUnits);
        await RecordThresholdsAsync();
    }

    public async Task<CampaignStatus> CheckDeadlineAsync()
    {
        if (record is not { Status: CampaignStatus.Live }) return record?.Status ?? CampaignStatus.Draft;
        var now = clock.GetUtcNow();
        if (now < record.Definition.Deadline) return record.Status;

        // The store ends the campaign under a lock that no pledge change can pass, and counts the confirmed units from
        // the rows themselves: whatever a tier has not reported yet, the decision is exact.
        var threshold = Threshold.Of(record.Definition);
        var ending = await campaigns.EndAsync(Id, now, confirmed =>
        {
            var outcome = threshold.OutcomeAt(confirmed);
            var data = new CampaignEndedV1(Id, outcome, threshold.GoalUnits, confirmed);
            var told = outcome == CampaignStatus.Succeeded ? BackerMessageKind.CampaignSucceeded : BackerMessageKind.CampaignFailed;
            return new CampaignEnding(outcome, confirmed, OutboxMessage.Of(new OutgoingMessage<CampaignEndedV1>(
                CampaignEndedV1.TypeOf(outcome), CampaignEndedV1.Version, $"{Id}:{outcome}", now, data)),
                pledge => OutboxMessage.Of(new BackerMessageV1(told, pledge, Id).Envelope("end", now)));
        });
        await ReloadAsync();
        await Task.WhenAll(record.Tiers.Select(t => Tier(t.Id).ReloadAsync()));
        await RefreshAsync();
        await NumberEditionsAsync();
        if (ending is not null) LogEnded(logger, Id, ending.Status, ending.ConfirmedUnits);
        // Charge (or let the cards go); the run is one per campaign and starting it again is harmless.
        await GrainFactory.GetGrain<ICollectionGrain>(Id).StartAsync();
        return record.Status;
    }

    public async Task<bool> RecordEventAsync(string kind, int units)
    {
        if (record is null) return false;
        var added = await campaigns.RecordEventAsync(Id, new CampaignEvent(kind, clock.GetUtcNow(), units));
        if (added) await ReloadAsync();
        return added;
    }

    /// <summary>Numbers the rewards of numbered tiers once the campaign has succeeded; safe to run again.</summary>
    private async Task NumberEditionsAsync()
    {
        if (record is not { Status: CampaignStatus.Succeeded }) return;
        foreach (var tier in record.Tiers.Where(t => t.NumberedEdition)) await editions.AssignAsync(Id, tier.Id);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TickReminder) return;
        if (await CheckDeadlineAsync() != CampaignStatus.Live)
        {
            // Again, in case the silo went down between ending the campaign and numbering its editions or starting
            // its collection.
            await NumberEditionsAsync();
            await GrainFactory.GetGrain<ICollectionGrain>(Id).StartAsync();
            if (await this.GetReminder(TickReminder) is { } reminder) await this.UnregisterReminder(reminder);
            return;
        }
        // The tick also wakes every tier, so that holds left by a silo that went away expire on time.
        await Task.WhenAll(record!.Tiers.Select(t => Tier(t.Id).ExpireDueAsync()));
        await RefreshAsync();
        await FollowForecastsAsync();
    }

    private async Task RecordThresholdsAsync()
    {
        if (record is not { Status: CampaignStatus.Live or CampaignStatus.Succeeded }) return;
        var definition = record.Definition;
        var confirmed = figures.ConfirmedUnits;
        var now = clock.GetUtcNow();
        var recorded = false;
        foreach (var kind in Threshold.Of(definition).DueEvents(confirmed, record.Events.Select(e => e.Kind).ToHashSet()))
        {
            OutboxMessage? message = null;
            if (kind == Threshold.ManufacturingConfirmed)
            {
                var forecast = ForecastFigures.Of(record.Tiers, figures.Tiers.SelectMany(t =>
                    t.ConfirmedUnitsByCountry.Select(c => (t.TierId, c.Key, c.Value))));
                var data = new ManufacturingConfirmedV1(Id, definition.Product, definition.GoalUnits, confirmed,
                    figures.ConfirmedUnitsByCountry(), definition.Deadline, forecast);
                message = OutboxMessage.Of(new OutgoingMessage<ManufacturingConfirmedV1>(ManufacturingConfirmedV1.Type,
                    ManufacturingConfirmedV1.Version, ManufacturingConfirmedV1.IdOf(Id), now, data));
            }
            var added = await campaigns.RecordEventAsync(Id, new CampaignEvent(kind, now, confirmed), message);
            if (added && message is not null) LogManufacturingConfirmed(logger, Id, confirmed);
            recorded |= added;
        }
        if (!recorded) return;
        await ReloadAsync();
        await FollowForecastsAsync();
    }

    /// <summary>
    /// After the production-go notice, the forecast grain takes over what the partner hears next. The notice is
    /// committed already, so a failure here must not fail the tier's report that crossed the threshold: the next tick
    /// starts it instead, also after the silo was lost in between (the tick's reminder brings the campaign back).
    /// </summary>
    private async Task FollowForecastsAsync()
    {
        if (forecastsFollowed || !HasEvent(Threshold.ManufacturingConfirmed)) return;
        try
        {
            await GrainFactory.GetGrain<IPartnerForecastGrain>(Id).StartAsync();
            forecastsFollowed = true;
        }
        catch (Exception e)
        {
            LogForecastsNotStarted(logger, e, Id);
        }
    }

    private bool HasEvent(string kind) => record!.Events.Any(e => e.Kind == kind);

    private async Task<CampaignCommandResult?> DraftProblemAsync()
    {
        record = await campaigns.GetAsync(Id);
        if (record is null) return CampaignCommandResult.Fail(Refusal.CampaignNotFound);
        return record.Status == CampaignStatus.Draft ? null : CampaignCommandResult.Fail(Refusal.CampaignNotDraft);
    }

    private async Task<CampaignCommandResult> ReloadAsync()
    {
        record = await campaigns.GetAsync(Id)
            ?? throw new InvalidOperationException($"Campaign {Id} vanished from the database.");
        return CampaignCommandResult.Ok(Info(record));
    }

    private async Task EnsureTickAsync() =>
        await this.RegisterOrUpdateReminder(TickReminder, options.Value.TickPeriod, options.Value.TickPeriod);

    private IRewardTierGrain Tier(string tierId) => GrainFactory.GetGrain<IRewardTierGrain>(TierKey.Format(Id, tierId));

    private static CampaignInfo Info(CampaignRecord r) => new(r.Definition, r.Tiers, r.Status, r.LaunchedAt, r.FinishedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} launched")]
    private static partial void LogLaunched(ILogger logger, string campaignId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} ended {Status} with {Units} confirmed units")]
    private static partial void LogEnded(ILogger logger, string campaignId, CampaignStatus status, int units);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: the partner's forecasts did not start; the next tick tries again")]
    private static partial void LogForecastsNotStarted(ILogger logger, Exception exception, string campaignId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} reached its goal with {Units} confirmed units: manufacturing confirmed")]
    private static partial void LogManufacturingConfirmed(ILogger logger, string campaignId, int units);
}
