using Crowdfund.Domain;
using Crowdfund.Infrastructure.Campaigns;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Tiers;

/// <summary>
/// The single owner of a tier's inventory. It keeps the tier's live pledges in memory, rebuilt from the pledge rows
/// on activation, so a reservation is an in-memory check plus one row in a shared group commit: no row lock that
/// every pledge of a hot tier would queue on.
/// </summary>
public sealed partial class RewardTierGrain(
    CampaignStore campaigns,
    PledgeStore pledges,
    PledgeWriter writer,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    IOptions<CrowdfundGrainOptions> options,
    ILogger<RewardTierGrain> logger) : Grain, IRewardTierGrain
{
    private readonly CrowdfundGrainOptions settings = options.Value;
    private readonly Guid activationId = Guid.NewGuid();
    private readonly Dictionary<Guid, int> moveHolds = [];
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
        // Every check and hold happens in this one synchronous step, before the first await: requests of other
        // calls interleave only at the awaits, and by then these rewards are held.
        var writes = new List<(int Index, NewPledge Row, AmountLines Quote)>(requests.Length);
        var lookups = new List<(int Index, Refusal Refusal)>();
        List<Task>? originals = null;
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            var refusal = Hold(request, now, out var row, out var quote);
            if (row is not null) writes.Add((i, row, quote!));
            else if (refusal is Refusal.CampaignNotLive or Refusal.SoldOut)
            {
                lookups.Add((i, refusal));
                if (writing.TryGetValue(request.IdempotencyKey, out var original)) (originals ??= []).Add(original);
            }
            else results[i] = Refuse(refusal);
        }

        if (writes.Count > 0)
        {
            var inserted = await WriteHeldAsync(writes.Select(w => w.Row).ToArray());
            for (var w = 0; w < writes.Count; w++)
            {
                var (index, row, quote) = writes[w];
                if (!inserted[w])
                {
                    // The idempotency key was used before in this campaign: a replay or a reuse, never a second pledge.
                    inventory.Release(row.Quantity);
                    lookups.Add((index, Refusal.IdempotencyKeyReused));
                    continue;
                }
                inventory.AddHeld(new LivePledge(row.Id, row.Country, row.Quantity, row.Units, PledgeStatus.Reserved,
                    quote.Currency, quote.Total, row.HoldExpiresAt));
                results[index] = PledgeResult.Ok(new PledgeView(row.Id, campaignId, tierId, row.Country, row.Quantity,
                    row.Units, PledgeStatus.Reserved, quote, now, row.HoldExpiresAt, null));
            }
            Changed(urgent: false);
            UpdateExpiryTimer();
        }
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
    /// Writes rows whose rewards are held, in one commit with whatever else is waiting; a failed write releases
    /// them. While it runs, their keys are in <see cref="writing"/> for retries that arrive meanwhile.
    /// </summary>
    private async Task<bool[]> WriteHeldAsync(NewPledge[] rows)
    {
        Task<bool[]>? write = null;
        try
        {
            write = writer.InsertManyAsync(rows);
            foreach (var row in rows) writing.TryAdd(row.IdempotencyKey, write);
            return await write;
        }
        catch
        {
            foreach (var row in rows) inventory.Release(row.Quantity);
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

    /// <summary>Checks one request and holds its rewards; the row to write, or why not.</summary>
    private Refusal Hold(ReserveRequest request, DateTimeOffset now, out NewPledge? row, out AmountLines? quote)
    {
        row = null;
        quote = null;
        if (campaign is null) return Refusal.CampaignNotFound;
        if (tier is null) return Refusal.TierNotFound;
        if (!IsOpen()) return Refusal.CampaignNotLive;
        quote = QuoteFor(tier, request.Country, request.Quantity, out var refusal);
        if (quote is null) return refusal;
        if (!inventory.TryHold(request.Quantity)) return Refusal.SoldOut;
        row = new NewPledge(request.PledgeId, campaignId, tierId, request.Country.ToUpperInvariant(),
            request.Quantity, request.Quantity * tier.UnitsPerReward, quote, request.BackerName, request.BackerEmail,
            request.Address, request.TokenHash, request.IdempotencyKey, request.RequestHash, now,
            now + settings.HoldWindow);
        return Refusal.None;
    }

    public async Task<PledgeResult> ConfirmAsync(Guid pledgeId)
    {
        if (inventory.Find(pledgeId) is not { } pledge) return await NotLiveHereAsync(pledgeId);
        if (pledge.Status == PledgeStatus.Confirmed) return await ViewAsync(pledgeId);
        if (!IsOpen()) return Refuse(Refusal.CampaignNotLive);
        var now = clock.GetUtcNow();
        if (pledge.HoldExpiresAt <= now)
        {
            await ExpireAsync([pledge.Id], now);
            return Refuse(Refusal.InvalidPledgeState);
        }
        if (!await pledges.SetStatusAsync(pledgeId, tierId, PledgeStatus.Reserved, PledgeStatus.Confirmed, now))
            return await ResyncAsync(pledgeId);
        inventory.Replace(pledge with { Status = PledgeStatus.Confirmed, HoldExpiresAt = null });
        Changed(urgent: true);
        UpdateExpiryTimer();
        return await ViewAsync(pledgeId);
    }

    public async Task<PledgeResult> CancelAsync(Guid pledgeId)
    {
        if (inventory.Find(pledgeId) is not { } pledge) return await NotLiveHereAsync(pledgeId);
        if (!IsOpen()) return Refuse(Refusal.CampaignNotLive);
        if (!await pledges.SetStatusAsync(pledgeId, tierId, pledge.Status, PledgeStatus.Cancelled, clock.GetUtcNow()))
            return await ResyncAsync(pledgeId);
        inventory.Remove(pledgeId);
        Changed(urgent: pledge.Status == PledgeStatus.Confirmed);
        UpdateExpiryTimer();
        return await ViewAsync(pledgeId);
    }

    public async Task<PledgeResult> ChangeQuantityAsync(Guid pledgeId, int quantity)
    {
        if (inventory.Find(pledgeId) is not { } pledge) return await NotLiveHereAsync(pledgeId);
        if (!IsOpen()) return Refuse(Refusal.CampaignNotLive);
        var quote = QuoteFor(tier!, pledge.Country, quantity, out var refusal);
        if (quote is null) return Refuse(refusal);
        var extra = quantity - pledge.Quantity;
        if (extra > 0 && !inventory.TryHold(extra)) return Refuse(Refusal.SoldOut);

        var units = quantity * tier!.UnitsPerReward;
        bool changed;
        try
        {
            changed = await pledges.ChangeAsync(pledgeId, tierId, tierId, quantity, units, quote, clock.GetUtcNow());
        }
        catch
        {
            if (extra > 0) inventory.Release(extra);
            throw;
        }
        if (!changed)
        {
            if (extra > 0) inventory.Release(extra);
            return await ResyncAsync(pledgeId);
        }
        if (extra < 0) inventory.Release(-extra);
        inventory.Replace(pledge with { Quantity = quantity, Units = units, Total = quote.Total });
        Changed(urgent: pledge.Status == PledgeStatus.Confirmed);
        return await ViewAsync(pledgeId);
    }

    public Task<Refusal> HoldForMoveAsync(Guid pledgeId, string country, int quantity)
    {
        if (tier is null) return Task.FromResult(Refusal.TierNotFound);
        if (!IsOpen()) return Task.FromResult(Refusal.CampaignNotLive);
        if (QuoteFor(tier, country, quantity, out var refusal) is null) return Task.FromResult(refusal);
        if (moveHolds.ContainsKey(pledgeId)) return Task.FromResult(Refusal.InvalidPledgeState);
        if (!inventory.TryHold(quantity)) return Task.FromResult(Refusal.SoldOut);
        moveHolds[pledgeId] = quantity;
        Changed(urgent: false);
        return Task.FromResult(Refusal.None);
    }

    public async Task<PledgeResult> MoveOutAsync(Guid pledgeId, string toTierId, int quantity)
    {
        if (inventory.Find(pledgeId) is not { } pledge) return await NotLiveHereAsync(pledgeId);
        if (!IsOpen()) return Refuse(Refusal.CampaignNotLive);
        var target = campaign!.Tiers.FirstOrDefault(t => t.Id == toTierId);
        if (target is null) return Refuse(Refusal.TierNotFound);
        var quote = QuoteFor(target, pledge.Country, quantity, out var refusal);
        if (quote is null) return Refuse(refusal);
        if (!await pledges.ChangeAsync(pledgeId, tierId, toTierId, quantity, quantity * target.UnitsPerReward, quote,
                clock.GetUtcNow()))
            return await ResyncAsync(pledgeId);
        inventory.Remove(pledgeId);
        Changed(urgent: pledge.Status == PledgeStatus.Confirmed);
        UpdateExpiryTimer();
        return await ViewAsync(pledgeId);
    }

    public async Task AcceptMoveAsync(Guid pledgeId)
    {
        if (!moveHolds.Remove(pledgeId, out var held)) return;
        inventory.Release(held);
        var row = await pledges.GetAsync(pledgeId);
        if (row is { Status: PledgeStatus.Reserved or PledgeStatus.Confirmed } && row.TierId == tierId
            && inventory.Find(pledgeId) is null)
        {
            inventory.Load(new LivePledge(row.Id, row.Country, row.Quantity, row.Units, row.Status,
                row.Amounts.Currency, row.Amounts.Total, row.Status == PledgeStatus.Reserved ? row.HoldExpiresAt : null));
        }
        Changed(urgent: row?.Status == PledgeStatus.Confirmed);
        UpdateExpiryTimer();
    }

    public Task ReleaseMoveHoldAsync(Guid pledgeId)
    {
        if (moveHolds.Remove(pledgeId, out var held))
        {
            inventory.Release(held);
            Changed(urgent: false);
        }
        return Task.CompletedTask;
    }

    public async Task<int> ExpireDueAsync()
    {
        var now = clock.GetUtcNow();
        var due = inventory.Live
            .Where(p => p.Status == PledgeStatus.Reserved && p.HoldExpiresAt <= now)
            .Select(p => p.Id)
            .ToArray();
        return due.Length == 0 ? 0 : await ExpireAsync(due, now);
    }

    public Task<TierSnapshot> GetSnapshotAsync() =>
        Task.FromResult(inventory.Snapshot(tierId, activationId, sequence));

    public async Task ReloadAsync()
    {
        // Only the definition and status can have changed (at launch, at the deadline); the pledges in memory
        // are this grain's own writes, so they stay.
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

    private async Task<int> ExpireAsync(Guid[] ids, DateTimeOffset now)
    {
        var expired = await pledges.ExpireAsync(campaignId, tierId, ids, now);
        foreach (var id in expired) inventory.Remove(id);
        if (expired.Count > 0)
        {
            LogExpired(logger, campaignId, tierId, expired.Count);
            Changed(urgent: false);
        }
        UpdateExpiryTimer();
        return expired.Count;
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

    private async Task<PledgeResult> NotLiveHereAsync(Guid pledgeId)
    {
        var row = await pledges.GetAsync(pledgeId);
        return row is null || row.CampaignId != campaignId ? Refuse(Refusal.PledgeNotFound) : Refuse(Refusal.InvalidPledgeState);
    }

    /// <summary>
    /// A conditional write found the row other than memory said: memory is wrong, so rebuild it from the rows
    /// rather than guess. It should never happen while this grain is the only writer of its tier's pledges.
    /// </summary>
    private async Task<PledgeResult> ResyncAsync(Guid pledgeId)
    {
        LogResync(logger, campaignId, tierId);
        var rebuilt = new TierInventory(tier!.Limit);
        foreach (var pledge in await pledges.LoadLiveAsync(campaignId, tierId)) rebuilt.Load(pledge);
        foreach (var held in moveHolds.Values) rebuilt.TryHold(held);
        inventory = rebuilt;
        Changed(urgent: true);
        return Refuse(Refusal.InvalidPledgeState);
    }

    private async Task<PledgeResult> ViewAsync(Guid pledgeId) =>
        await pledges.GetAsync(pledgeId) is { } row ? PledgeResult.Ok(row.ToView()) : Refuse(Refusal.PledgeNotFound);

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

    /// <summary>Keeps the grain active, with a timer expiring holds, exactly while it has reservations.</summary>
    private void UpdateExpiryTimer()
    {
        var hasReservations = inventory.ReservedPledges > 0;
        if (hasReservations && expiryTimer is null)
        {
            expiryTimer = this.RegisterGrainTimer(_ => ExpireDueAsync(),
                new GrainTimerCreationOptions(settings.ExpiryScanPeriod, settings.ExpiryScanPeriod) { KeepAlive = true });
        }
        else if (!hasReservations && expiryTimer is not null)
        {
            expiryTimer.Dispose();
            expiryTimer = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier {CampaignId}/{TierId} active with {Pledges} live pledges holding {Held} rewards")]
    private static partial void LogActivated(ILogger logger, string campaignId, string tierId, int pledges, int held);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier {CampaignId}/{TierId} expired {Count} reservations")]
    private static partial void LogExpired(ILogger logger, string campaignId, string tierId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tier {CampaignId}/{TierId} found a pledge row out of step with memory; rebuilt from the database")]
    private static partial void LogResync(ILogger logger, string campaignId, string tierId);
}
