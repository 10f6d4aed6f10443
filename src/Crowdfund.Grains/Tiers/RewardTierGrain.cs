using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains.Campaigns;
using Crowdfund.Grains.Pledges;
using Crowdfund.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Tiers;

/// <summary>
/// The single owner of a tier's inventory. It keeps the pledges holding the tier's rewards in memory, rebuilt from
/// the rows on activation, so a reservation is an in-memory check plus one row in a shared group commit: no row lock
/// that every pledge of a hot tier would queue on.
/// </summary>
/// <remarks>
/// <para><b>Which calls interleave, and why it is safe.</b> Calls run one at a time, except
/// <see cref="ReserveManyAsync"/>, which may start while any call (another reservation batch included) waits at an
/// await; that is how many batches share one commit. What a batch may touch:</para>
/// <list type="number">
/// <item>In one synchronous step before its first await, it checks each request and holds its rewards, so no other
/// call can slip between a check and its hold.</item>
/// <item>After its commit, it counts the pledges it wrote (new ids that no other call knows yet) and releases exactly
/// the holds of the rows that were not written.</item>
/// <item>While it commits, its idempotency keys are in <see cref="writing"/>, for its own retries.</item>
/// </list>
/// <para>Every other call changes only pledges the tier already counts, by id, and only relatively (hold or release
/// so many, count or uncount one pledge: see <see cref="TierInventory"/>), so a batch in flight and any other call
/// give the same totals in either order. Nothing replaces the inventory while the grain is active: when memory and
/// a row disagree (an expiry finds a reservation confirmed behind its back), that one pledge is synced from its row;
/// when they may disagree on more (a batch's write failed without saying what committed), the activation discards
/// itself, Orleans lets the running calls finish, and the next activation rebuilds from the rows. A full rebuild
/// happens only on activation.</para>
/// </remarks>
public sealed partial class RewardTierGrain(
    ICampaignStore campaigns,
    IPledgeStore pledges,
    IPledgeWriter writer,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<CrowdfundGrainOptions> options,
    ILogger<RewardTierGrain> logger) : Grain, IRewardTierGrain
{
    private readonly CrowdfundGrainOptions settings = options.Value;
    private readonly Guid activationId = Guid.NewGuid();
    // Idempotency keys of the reservations being written now, with their write. A retry that arrives while its
    // original is still committing, after the original took the last rewards, is refused by the inventory and
    // its key lookup cannot see the uncommitted row; it waits for that write and answers as its replay instead.
    private readonly Dictionary<string, Task> writing = new(StringComparer.Ordinal);
    private string campaignId = "";
    private string tierId = "";
    private CampaignRecord? campaign;
    private TierDefinition? tier;
    private TierInventory inventory = new(null);
    private long sequence;
    private IGrainTimer? reportTimer;
    private IGrainTimer? expiryTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (campaignId, tierId) = TierKey.Parse(this.GetPrimaryKeyString());
        await LoadDefinitionAsync();
        // Nothing to own for a key someone guessed: the activation refuses every call and idles out as usual
        // (deactivating here would bounce the very call that activated it).
        if (tier is null) return;
        inventory = new TierInventory(tier.Limit);
        foreach (var pledge in await pledges.LoadLiveAsync(campaignId, tierId)) inventory.Load(pledge);
        LogActivated(logger, campaignId, tierId, inventory.Live.Count, inventory.Held);
        UpdateExpiryTimer();
        Report();
    }

    public async Task<PledgeResult[]> ReserveManyAsync(ReserveRequest[] requests)
    {
        var results = new PledgeResult[requests.Length];
        var now = clock.GetUtcNow();
        var writes = new List<(int Index, NewPledge Row, AmountLines Quote)>(requests.Length);
        var lookups = new List<(int Index, Refusal Refusal)>();
        List<Task>? originals = null;
        // Step 1, synchronous: every check and hold of the batch (see the class remarks).
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            Refusal refusal;
            NewPledge? row;
            AmountLines? quote;
            try
            {
                refusal = Hold(request, now, out row, out quote);
            }
            catch (Exception exception)
            {
                // Hold takes its rewards as its very last step, so a request that throws holds nothing: it alone is
                // refused, and the batch goes on (a tier row stored before today's limits can overflow its pricing).
                LogHoldFailed(logger, exception, campaignId, tierId);
                results[i] = Refuse(Refusal.PledgeRejected);
                continue;
            }
            if (row is not null) writes.Add((i, row, quote!));
            else if (refusal is Refusal.CampaignNotLive or Refusal.SoldOut)
            {
                lookups.Add((i, refusal));
                if (writing.TryGetValue(request.IdempotencyKey, out var original)) (originals ??= []).Add(original);
            }
            else results[i] = Refuse(refusal);
        }

        // Step 2: one write for the batch; then count what was written and release what was not.
        if (writes.Count > 0)
        {
            var outcomes = await WriteHeldAsync(writes.Select(w => w.Row).ToArray());
            for (var w = 0; w < writes.Count; w++)
            {
                var (index, row, quote) = writes[w];
                if (outcomes[w] != WriteOutcome.Inserted) inventory.Release(row.Quantity);
                switch (outcomes[w])
                {
                    case WriteOutcome.Inserted:
                        inventory.AddHeld(new LivePledge(row.Id, row.Country, row.Quantity, row.Units,
                            PledgeStatus.Reserved, quote.Currency, quote.Total, row.HoldExpiresAt));
                        results[index] = PledgeResult.Ok(new PledgeView(row.Id, campaignId, tierId, row.Country,
                            row.Quantity, row.Units, PledgeStatus.Reserved, quote, now, row.HoldExpiresAt, null));
                        break;
                    case WriteOutcome.KeyTaken:
                        // The idempotency key was used before in this campaign: a replay or a reuse, never a second pledge.
                        lookups.Add((index, Refusal.IdempotencyKeyReused));
                        break;
                    case WriteOutcome.Rejected:
                        results[index] = Refuse(Refusal.PledgeRejected);
                        break;
                    default:
                        results[index] = Refuse(Refusal.Busy);
                        break;
                }
            }
            Changed(urgent: false);
            UpdateExpiryTimer();
        }

        // Step 3: refusals that may be replays of pledges that went through.
        if (lookups.Count > 0)
        {
            if (originals is not null)
            {
                try
                {
                    await Task.WhenAll(originals);
                }
                catch
                {
                    // The original's caller gets that failure; the lookup below answers this copy either way.
                }
            }
            await ReplayOrRefuseAsync(requests, lookups, results);
        }
        return results;
    }

    /// <summary>
    /// Writes rows whose rewards are held, in one commit with whatever else is waiting. While it runs, the rows' keys
    /// are in <see cref="writing"/> for retries that arrive meanwhile.
    /// </summary>
    /// <remarks>
    /// When the write fails as a whole (the database went away), its rows may or may not have committed: the holds
    /// stay taken, so that no other batch can sell those rewards twice, and the activation is discarded once its
    /// running calls finish; the next one counts what the rows say.
    /// </remarks>
    private async Task<WriteOutcome[]> WriteHeldAsync(NewPledge[] rows)
    {
        Task<WriteOutcome[]>? write = null;
        try
        {
            write = writer.InsertManyAsync(rows);
            foreach (var row in rows) writing.TryAdd(row.IdempotencyKey, write);
            return await write;
        }
        catch (Exception exception)
        {
            LogWriteInDoubt(logger, exception, campaignId, tierId, rows.Length);
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            foreach (var row in rows)
            {
                if (writing.TryGetValue(row.IdempotencyKey, out var entry) && entry == write)
                    writing.Remove(row.IdempotencyKey);
            }
        }
    }

    /// <summary>
    /// Checks one request and holds its rewards, as the last step, once nothing else can fail: the row to write, or
    /// why not.
    /// </summary>
    private Refusal Hold(ReserveRequest request, DateTimeOffset now, out NewPledge? row, out AmountLines? quote)
    {
        row = null;
        quote = null;
        if (campaign is null) return Refusal.CampaignNotFound;
        if (tier is null) return Refusal.TierNotFound;
        if (!IsWellFormed(request)) return Refusal.PledgeRejected;
        if (!IsOpen()) return Refusal.CampaignNotLive;
        quote = QuoteFor(tier, request.Country, request.Quantity, out var refusal);
        if (quote is null) return refusal;
        var candidate = new NewPledge(request.PledgeId, campaignId, tierId, request.Country, request.Quantity,
            request.Quantity * tier.UnitsPerReward, quote, request.BackerName, request.BackerEmail, request.Address,
            request.TokenHash, request.IdempotencyKey, request.RequestHash, now, now + settings.HoldWindow, request.Locale);
        if (!inventory.TryHold(request.Quantity)) return Refusal.SoldOut;
        row = candidate;
        return Refusal.None;
    }

    /// <summary>
    /// The edge has validated every field; this only keeps a malformed message from another caller (nulls where the
    /// contract has none) from reaching the batch.
    /// </summary>
    private static bool IsWellFormed(ReserveRequest? request) =>
        request is { Country: not null, BackerName: not null, BackerEmail: not null, Address: not null, Locale: not null,
            TokenHash: not null, IdempotencyKey: not null, RequestHash: not null };

    public Task<ChangeHold> HoldForChangeAsync(Guid pledgeId, string country, int quantity)
    {
        if (tier is null) return Task.FromResult(ChangeHold.Refused(Refusal.TierNotFound));
        if (!IsOpen()) return Task.FromResult(ChangeHold.Refused(Refusal.CampaignNotLive));
        var quote = QuoteFor(tier, country, quantity, out var refusal);
        if (quote is null) return Task.FromResult(ChangeHold.Refused(refusal));
        var needed = Math.Max(0, quantity - (inventory.Find(pledgeId)?.Quantity ?? 0));
        if (!inventory.TryHoldForChange(pledgeId, needed, clock.GetUtcNow()))
            return Task.FromResult(ChangeHold.Refused(Refusal.SoldOut));
        Changed(urgent: false);
        UpdateExpiryTimer();
        return Task.FromResult(new ChangeHold(Refusal.None, quote, quantity * tier.UnitsPerReward));
    }

    public async Task SyncPledgeAsync(Guid pledgeId)
    {
        var row = await pledges.GetAsync(pledgeId);
        var before = inventory.Find(pledgeId);
        inventory.DropChangeHold(pledgeId);
        inventory.Remove(pledgeId);
        if (row is not null && row.CampaignId == campaignId && row.TierId == tierId && PledgeLifecycle.HoldsRewards(row.Status))
            inventory.Load(new LivePledge(row.Id, row.Country, row.Quantity, row.Units, row.Status, row.Amounts.Currency,
                row.Amounts.Total, row.Status == PledgeStatus.Reserved ? row.HoldExpiresAt : null));
        var after = inventory.Find(pledgeId);
        Changed(urgent: Counts(before) || Counts(after));
        UpdateExpiryTimer();
    }

    private static bool Counts(LivePledge? pledge) => pledge is not null && PledgeLifecycle.CountsTowardGoal(pledge.Status);

    public async Task<int> ExpireDueAsync()
    {
        var now = clock.GetUtcNow();
        // A change hold older than this belongs to a pledge grain that never came back (its silo died): the row says
        // what happened.
        foreach (var id in inventory.StaleChangeHolds(now - settings.ChangeHoldTimeout)) await SyncPledgeAsync(id);
        var due = inventory.Live
            .Where(p => p.Status == PledgeStatus.Reserved && p.HoldExpiresAt <= now)
            .Select(p => p.Id)
            .ToArray();
        if (due.Length == 0) return 0;
        var expired = await pledges.ExpireAsync(campaignId, tierId, due, now);
        foreach (var id in expired) inventory.Remove(id);
        // A due reservation the store did not expire moved on behind the tier's back (its pledge grain confirmed or
        // cancelled it and the sync has not arrived): take that one pledge from its row.
        foreach (var id in due.Except(expired))
        {
            LogOutOfStep(logger, campaignId, tierId);
            await SyncPledgeAsync(id);
        }
        if (expired.Count > 0)
        {
            LogExpired(logger, campaignId, tierId, expired.Count);
            Changed(urgent: false);
        }
        UpdateExpiryTimer();
        return expired.Count;
    }

    public Task<TierSnapshot> GetSnapshotAsync() =>
        Task.FromResult(inventory.Snapshot(tierId, activationId, sequence));

    public async Task ReloadAsync()
    {
        // Only the definition and status can have changed (at launch, at the deadline); the pledges in memory
        // follow their rows already.
        await LoadDefinitionAsync();
        if (tier is null)
        {
            DeactivateOnIdle();
            return;
        }
        Report();
    }

    private async Task LoadDefinitionAsync()
    {
        campaign = await campaigns.GetAsync(campaignId);
        tier = campaign?.Tiers.FirstOrDefault(t => t.Id == tierId);
    }

    private bool IsOpen() =>
        campaign is { Status: CampaignStatus.Live } c && clock.GetUtcNow() < c.Definition.Deadline;

    private AmountLines? QuoteFor(TierDefinition target, string countryCode, int quantity, out Refusal refusal)
    {
        refusal = Refusal.None;
        var country = campaign!.Definition.FindCountry(countryCode);
        if (country is null)
        {
            refusal = Refusal.CountryNotOpen;
            return null;
        }
        if (!PledgeRules.QuantityAllowed(target, quantity))
        {
            refusal = Refusal.QuantityOutOfRange;
            return null;
        }
        var quote = Pricing.Quote(target, country, quantity);
        if (quote is null) refusal = Refusal.NotShippingThere;
        return quote;
    }

    /// <summary>
    /// A refused reservation may be the replay of one that succeeded: the stored rows answer that, all of a batch
    /// in one query.
    /// </summary>
    private async Task ReplayOrRefuseAsync(ReserveRequest[] requests, List<(int Index, Refusal Refusal)> lookups,
        PledgeResult[] results)
    {
        var existing = await pledges.FindByIdempotencyKeysAsync(campaignId, lookups.Select(l => requests[l.Index].IdempotencyKey));
        foreach (var (index, refusal) in lookups)
        {
            var request = requests[index];
            results[index] = !existing.TryGetValue(request.IdempotencyKey, out var row) ? Refuse(refusal)
                : row.RequestHash.AsSpan().SequenceEqual(request.RequestHash) ? PledgeResult.Ok(row.ToView(), replayed: true)
                : Refuse(Refusal.IdempotencyKeyReused);
        }
    }

    private static PledgeResult Refuse(Refusal refusal) => PledgeResult.Refused(refusal);

    /// <summary>
    /// Confirmed units move the threshold, so they are reported at once; reservations come in rushes, so their
    /// changes are gathered for a moment and sent as one snapshot.
    /// </summary>
    private void Changed(bool urgent)
    {
        sequence++;
        if (urgent)
        {
            Report();
            return;
        }
        reportTimer ??= this.RegisterGrainTimer(_ =>
        {
            reportTimer?.Dispose();
            reportTimer = null;
            Report();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(settings.SnapshotDelay, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    private void Report()
    {
        if (tier is null) return;
        GrainFactory.GetGrain<ICampaignGrain>(campaignId)
            .ReportTierAsync(inventory.Snapshot(tierId, activationId, sequence))
            .Ignore();
    }

    /// <summary>Keeps the grain active, with a timer expiring holds, exactly while it has reservations or change holds.</summary>
    private void UpdateExpiryTimer()
    {
        var needed = inventory.ReservedPledges > 0 || inventory.ChangeHolds > 0;
        if (needed && expiryTimer is null)
        {
            expiryTimer = this.RegisterGrainTimer(_ => ExpireDueAsync(),
                new GrainTimerCreationOptions(settings.ExpiryScanPeriod, settings.ExpiryScanPeriod) { KeepAlive = true });
        }
        else if (!needed && expiryTimer is not null)
        {
            expiryTimer.Dispose();
            expiryTimer = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier {CampaignId}/{TierId} active with {Pledges} live pledges holding {Held} rewards")]
    private static partial void LogActivated(ILogger logger, string campaignId, string tierId, int pledges, int held);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier {CampaignId}/{TierId} expired {Count} reservations")]
    private static partial void LogExpired(ILogger logger, string campaignId, string tierId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tier {CampaignId}/{TierId}: checking a reservation failed; it alone was refused")]
    private static partial void LogHoldFailed(ILogger logger, Exception exception, string campaignId, string tierId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tier {CampaignId}/{TierId}: writing {Count} reservations failed; their holds stay until the tier is rebuilt from the rows")]
    private static partial void LogWriteInDoubt(ILogger logger, Exception exception, string campaignId, string tierId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tier {CampaignId}/{TierId} found a pledge row out of step with memory; synced it from the row")]
    private static partial void LogOutOfStep(ILogger logger, string campaignId, string tierId);
}
