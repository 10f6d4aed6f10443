using System.Text.Json;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Infrastructure.Campaigns;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Infrastructure.Postgres;
using Crowdfund.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Campaigns;

/// <summary>
/// A campaign: its definition and lifecycle (stored in the campaigns table), the totals of its tiers (in memory,
/// from their snapshots), its milestones, and a durable reminder that checks the deadline and wakes the tiers.
/// </summary>
public sealed partial class CampaignGrain(
    CampaignStore campaigns,
    PledgeStore pledges,
    EditionStore editions,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<CrowdfundGrainOptions> options,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable
{
    public const string ManufacturingConfirmed = "ManufacturingConfirmed";
    public const string ManufacturingTopic = "partner.manufacturing-confirmed";
    private const string TickReminder = "tick";

    private readonly CampaignFigures figures = new();
    private readonly Velocity velocity = new();
    private CampaignRecord? record;

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
        if (definition.Slug != Id) return CampaignCommandResult.Fail(CampaignErrors.Invalid, new Problem("slug", "slug_mismatch", "The slug does not match the address."));
        var problems = CampaignRules.ValidateDefinition(definition);
        if (problems.Count > 0) return CampaignCommandResult.Fail(CampaignErrors.Invalid, problems);
        if (!await campaigns.InsertAsync(definition, clock.GetUtcNow())) return CampaignCommandResult.Fail(CampaignErrors.AlreadyExists);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> UpdateAsync(CampaignDefinition definition)
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        if (definition.Slug != Id) return CampaignCommandResult.Fail(CampaignErrors.Invalid, new Problem("slug", "slug_mismatch", "The slug cannot change."));
        var problems = CampaignRules.ValidateDefinition(definition);
        if (problems.Count > 0) return CampaignCommandResult.Fail(CampaignErrors.Invalid, problems);
        if (!await campaigns.UpdateDefinitionAsync(definition)) return CampaignCommandResult.Fail(CampaignErrors.NotDraft);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> PutTierAsync(TierDefinition tier)
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        var problems = CampaignRules.ValidateTier(tier);
        if (problems.Count > 0) return CampaignCommandResult.Fail(CampaignErrors.Invalid, problems);
        if (!await campaigns.PutTierAsync(Id, tier)) return CampaignCommandResult.Fail(CampaignErrors.NotDraft);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> RemoveTierAsync(string tierId)
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        if (!await campaigns.RemoveTierAsync(Id, tierId)) return CampaignCommandResult.Fail(CampaignErrors.TierNotFound);
        // A tier grain activated while the tier existed must forget it.
        await Tier(tierId).ReloadAsync();
        figures.Remove(tierId);
        return await ReloadAsync();
    }

    public async Task<CampaignCommandResult> LaunchAsync()
    {
        if (await DraftProblemAsync() is { } refused) return refused;
        var problems = CampaignRules.LaunchProblems(record!.Definition, record.Tiers, clock.GetUtcNow());
        if (problems.Count > 0) return CampaignCommandResult.Fail(CampaignErrors.LaunchBlocked, problems);
        if (!await campaigns.LaunchAsync(Id, clock.GetUtcNow())) return CampaignCommandResult.Fail(CampaignErrors.NotDraft);
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
        var goal = record.Definition.GoalUnits;
        var confirmed = figures.ConfirmedUnits;
        var progress = new Progress(goal, confirmed, (int)(confirmed * 100L / goal), figures.Backers,
            HasEvent(ManufacturingConfirmed));
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

        // Tiers refuse changes from the deadline on, so the totals gathered now are final.
        await RefreshAsync();
        var confirmed = figures.ConfirmedUnits;
        var status = confirmed >= record.Definition.GoalUnits ? CampaignStatus.Succeeded : CampaignStatus.Failed;
        var ended = new CampaignEvent(status.ToString(), now, confirmed);
        var message = new OutboxMessage($"campaign.{status.ToString().ToLowerInvariant()}", $"{Id}:{status}",
            JsonSerializer.Serialize(new { campaignId = Id, status = status.ToString(), confirmedUnits = confirmed, at = now }), now);
        await campaigns.RecordEventAsync(Id, ended, message, status);
        await ReloadAsync();
        await Task.WhenAll(record.Tiers.Select(t => Tier(t.Id).ReloadAsync()));
        await NumberEditionsAsync();
        LogEnded(logger, Id, record.Status, confirmed);
        return record.Status;
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
            // Again, in case the silo went down between ending the campaign and numbering its editions.
            await NumberEditionsAsync();
            if (await this.GetReminder(TickReminder) is { } reminder) await this.UnregisterReminder(reminder);
            return;
        }
        // The tick also wakes every tier, so that holds left by a silo that went away expire on time.
        await Task.WhenAll(record!.Tiers.Select(t => Tier(t.Id).ExpireDueAsync()));
        await RefreshAsync();
    }

    private async Task RecordThresholdsAsync()
    {
        if (record is not { Status: CampaignStatus.Live or CampaignStatus.Succeeded }) return;
        var definition = record.Definition;
        var confirmed = figures.ConfirmedUnits;
        var now = clock.GetUtcNow();
        var recorded = false;
        foreach (var percent in definition.MilestonePercents.Order())
        {
            var kind = $"milestone-{percent}";
            if (confirmed * 100L < (long)definition.GoalUnits * percent || HasEvent(kind)) continue;
            recorded |= await campaigns.RecordEventAsync(Id, new CampaignEvent(kind, now, confirmed));
        }
        if (confirmed >= definition.GoalUnits && !HasEvent(ManufacturingConfirmed))
        {
            var payload = JsonSerializer.Serialize(new
            {
                campaignId = Id, product = definition.Product, confirmedUnits = confirmed, goalUnits = definition.GoalUnits, at = now,
            });
            recorded |= await campaigns.RecordEventAsync(Id, new CampaignEvent(ManufacturingConfirmed, now, confirmed),
                new OutboxMessage(ManufacturingTopic, $"{Id}:{ManufacturingConfirmed}", payload, now));
            LogManufacturingConfirmed(logger, Id, confirmed);
        }
        if (recorded) await ReloadAsync();
    }

    private bool HasEvent(string kind) => record!.Events.Any(e => e.Kind == kind);

    private async Task<CampaignCommandResult?> DraftProblemAsync()
    {
        record = await campaigns.GetAsync(Id);
        if (record is null) return CampaignCommandResult.Fail(CampaignErrors.NotFound);
        return record.Status == CampaignStatus.Draft ? null : CampaignCommandResult.Fail(CampaignErrors.NotDraft);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} reached its goal with {Units} confirmed units: manufacturing confirmed")]
    private static partial void LogManufacturingConfirmed(ILogger logger, string campaignId, int units);
}
