using Crowdfund.Domain;
using Crowdfund.Grains.Campaigns;
using Crowdfund.Grains.Tiers;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Collection;

/// <summary>
/// Walks an ended campaign's pledges and has each pledge grain charge (or release) itself, a bounded number at a time;
/// the provider's rate limiter in each silo paces the calls. The walk runs in the background of this activation, so
/// the team's reads and pause interleave with it; a durable reminder brings the run back after a silo is lost, and
/// comes back for failed charges when their retries fall due.
/// </summary>
public sealed partial class CollectionGrain(
    ICollectionStore runs,
    ICampaignStore campaigns,
    IEditionStore editions,
    IOptions<CrowdfundGrainOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<CollectionGrain> logger) : Grain, ICollectionGrain, IRemindable
{
    public const string BelowGoalEvent = "collected_below_goal";
    private const string Reminder = "collection";
    private const int PageSize = 500;

    // After a pass where the provider could not be reached, wait this long before the next.
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Queue<DateTimeOffset> settled = new();
    private CampaignRecord? campaign;
    private CollectionRun? run;
    private Task? walk;
    private bool again;

    private string Id => this.GetPrimaryKeyString();

    private CollectionKind Kind => campaign?.Status == CampaignStatus.Failed ? CollectionKind.Release : CollectionKind.Collect;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        campaign = await campaigns.GetAsync(Id);
        run = await runs.GetRunAsync(Id);
        if (run?.Status == CollectionStatus.Running) Walk();
    }

    public async Task StartAsync()
    {
        campaign = await campaigns.GetAsync(Id);
        if (campaign?.Status is not (CampaignStatus.Succeeded or CampaignStatus.Failed)) return;
        run = await runs.StartRunAsync(Id, clock.GetUtcNow());
        if (run.Status == CollectionStatus.Finished) return;
        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        if (run.Status == CollectionStatus.Running) Walk();
    }

    public Task WakeAsync()
    {
        if (run?.Status == CollectionStatus.Running) Walk();
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (run is null) await StartAsync();
        else if (run.Status == CollectionStatus.Running) Walk();
        else if (run.Status == CollectionStatus.Finished && await this.GetReminder(Reminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    public async Task<CollectionResult> PauseAsync() => await SetAsync(CollectionStatus.Paused);

    public async Task<CollectionResult> ResumeAsync() => await SetAsync(CollectionStatus.Running);

    private async Task<CollectionResult> SetAsync(CollectionStatus status)
    {
        if (run is null) return CollectionResult.Refused(Refusal.CollectionNotFound);
        if (run.Status == CollectionStatus.Finished) return CollectionResult.Refused(Refusal.InvalidPledgeState);
        await runs.SetStatusAsync(Id, status, clock.GetUtcNow());
        run = run with { Status = status };
        LogStatus(logger, Id, status);
        if (status == CollectionStatus.Running) Walk();
        return await GetAsync();
    }

    public async Task<CollectionResult> GetAsync()
    {
        if (run is null || campaign is null) return CollectionResult.Refused(Refusal.CollectionNotFound);
        var groups = await runs.GroupsAsync(Id);
        var now = clock.GetUtcNow();
        var byStatus = groups.GroupBy(g => g.Status).ToDictionary(g => g.Key, g => g.Sum(x => x.Pledges));
        var remaining = groups.Where(g => g.Status is PledgeStatus.Confirmed or PledgeStatus.PaymentPending).Sum(g => g.Pledges);
        while (settled.Count > 0 && now - settled.Peek() > RateWindow) settled.Dequeue();
        var rate = settled.Count / RateWindow.TotalSeconds;
        var goal = campaign.Definition.GoalUnits;
        var collected = groups.Where(g => IsCollected(g.Status)).Sum(g => g.Units);
        var collectable = groups.Where(g => IsCollected(g.Status) || MayStillCollect(g.Status)).Sum(g => g.Units);
        return new CollectionResult(Refusal.None, new CollectionView(Id, Kind, run.Status, run.StartedAt, run.FinishedAt,
            byStatus, remaining, rate, rate > 0 && remaining > 0 ? now + TimeSpan.FromSeconds(remaining / rate) : null,
            goal, collected, collectable, Kind == CollectionKind.Collect && collectable < goal,
            Figures(groups, g => g.Country), Figures(groups, g => g.TierId)));
    }

    /// <summary>Starts the background walk, or asks the running one for another pass when it ends its current one.</summary>
    private void Walk()
    {
        if (walk is { IsCompleted: false })
        {
            again = true;
            return;
        }
        walk = WalkAsync();
    }

    private async Task WalkAsync()
    {
        try
        {
            while (run?.Status == CollectionStatus.Running)
            {
                again = false;
                // The walk is not a request: keep the activation from being collected as idle while it runs.
                DelayDeactivation(TimeSpan.FromMinutes(10));
                var retry = await PassAsync();
                if (run?.Status != CollectionStatus.Running) return;
                if (retry)
                {
                    await Task.Delay(RetryPause);
                    continue;
                }
                if (again) continue;
                await SettleAsync();
                return;
            }
        }
        catch (Exception e)
        {
            // The reminder comes back within a minute; nothing is lost, the rows say where the run stands.
            LogWalkFailed(logger, e, Id);
        }
    }

    /// <summary>One pass over the pledges due now; true when some could not reach the provider and must be tried again.</summary>
    private async Task<bool> PassAsync()
    {
        var retry = false;
        var after = Guid.Empty;
        var inFlight = new List<Task<CollectStep>>();
        var limit = Math.Max(1, options.Value.CollectionConcurrency);
        while (run?.Status == CollectionStatus.Running)
        {
            var page = await runs.DueAsync(Id, Kind, clock.GetUtcNow(), after, PageSize);
            if (page.Count == 0) break;
            foreach (var pledgeId in page)
            {
                if (run?.Status != CollectionStatus.Running) break;
                if (inFlight.Count >= limit)
                {
                    var done = await Task.WhenAny(inFlight);
                    inFlight.Remove(done);
                    retry |= Count(await done);
                }
                inFlight.Add(CallAsync(pledgeId));
            }
            after = page[^1];
        }
        foreach (var step in await Task.WhenAll(inFlight)) retry |= Count(step);
        return retry;
    }

    private async Task<CollectStep> CallAsync(Guid pledgeId)
    {
        var pledge = GrainFactory.GetGrain<IPledgeGrain>(pledgeId);
        try
        {
            return Kind == CollectionKind.Release ? await pledge.ReleaseAsync() : await pledge.CollectAsync();
        }
        catch (Exception e)
        {
            // A silo lost mid-call, a timeout: the pledge's row still says what is left to do.
            LogPledgeFailed(logger, e, Id, pledgeId);
            return CollectStep.Retry;
        }
    }

    private bool Count(CollectStep step)
    {
        if (step is CollectStep.Collected or CollectStep.Failed or CollectStep.ActionRequired or CollectStep.Released)
            settled.Enqueue(clock.GetUtcNow());
        return step is CollectStep.Retry or CollectStep.Pending;
    }

    /// <summary>
    /// After a pass with nothing left to do now: finished when every pledge is final (editions are then numbered over
    /// the collected pledges only, 1..N), otherwise the reminder returns for the failed ones. The team is told once when
    /// what can still be collected falls below the goal.
    /// </summary>
    private async Task SettleAsync()
    {
        var groups = await runs.GroupsAsync(Id);
        var now = clock.GetUtcNow();
        var goal = campaign!.Definition.GoalUnits;
        var collectable = groups.Where(g => IsCollected(g.Status) || MayStillCollect(g.Status)).Sum(g => g.Units);
        if (Kind == CollectionKind.Collect && collectable < goal
            && await GrainFactory.GetGrain<ICampaignGrain>(Id).RecordEventAsync(BelowGoalEvent, collectable))
            LogBelowGoal(logger, Id, collectable, goal);
        if (groups.Any(g => MayStillCollect(g.Status) || Kind == CollectionKind.Release && g.Status is PledgeStatus.Confirmed or PledgeStatus.Reserved))
            return;
        if (Kind == CollectionKind.Collect)
            foreach (var tier in campaign.Tiers.Where(t => t.NumberedEdition)) await editions.AssignAsync(Id, tier.Id);
        await runs.SetStatusAsync(Id, CollectionStatus.Finished, now);
        run = run! with { Status = CollectionStatus.Finished, FinishedAt = now };
        // The partner's final quantities; the forecast grain's own reminder sends them should this call be lost.
        await GrainFactory.GetGrain<IPartnerForecastGrain>(Id).WakeAsync();
        LogFinished(logger, Id, Kind, groups.Where(g => IsCollected(g.Status)).Sum(g => g.Pledges));
    }

    private static bool IsCollected(PledgeStatus status) => PledgeLifecycle.IsCollected(status);

    private static bool MayStillCollect(PledgeStatus status) =>
        status is PledgeStatus.Confirmed or PledgeStatus.PaymentPending or PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired;

    private static List<CollectedFigures> Figures(IEnumerable<PledgeGroup> groups, Func<PledgeGroup, string> key) =>
        groups.GroupBy(g => (Key: key(g), g.Currency))
            .Select(g => new CollectedFigures(g.Key.Key, g.Key.Currency,
                g.Where(x => IsCollected(x.Status)).Sum(x => x.Units), g.Sum(x => x.Collected), g.Sum(x => x.Refunded),
                g.Where(x => x.Status == PledgeStatus.Dropped).Sum(x => x.Units)))
            .OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.Currency, StringComparer.Ordinal)
            .ToList();

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection of {CampaignId} is now {Status}")]
    private static partial void LogStatus(ILogger logger, string campaignId, CollectionStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Collection of {CampaignId} ({Kind}) finished: {Collected} pledges collected")]
    private static partial void LogFinished(ILogger logger, string campaignId, CollectionKind kind, int collected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: only {Units} units can still be collected, below the goal of {Goal}")]
    private static partial void LogBelowGoal(ILogger logger, string campaignId, int units, int goal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection of {CampaignId}: pledge {PledgeId} failed this pass; it is tried again")]
    private static partial void LogPledgeFailed(ILogger logger, Exception exception, string campaignId, Guid pledgeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Collection of {CampaignId} stopped; its reminder resumes it")]
    private static partial void LogWalkFailed(ILogger logger, Exception exception, string campaignId);
}
