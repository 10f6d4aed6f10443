using System.Security.Cryptography;
using Crowdfund.Domain;
using Crowdfund.Grains.Payments;
using Crowdfund.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Grains.Pledges;

/// <summary>
/// The owner of one pledge's lifecycle once its tier has written it as Reserved: it checks the backer's token, makes
/// every move through <see cref="PledgeLifecycle"/>, writes the row (conditional on the version it read), then tells
/// the tiers involved to follow the row. It keeps nothing in memory between calls: the row is the truth, and a tier
/// may expire a reservation meanwhile.
/// </summary>
/// <remarks>
/// Telling the tier comes after the write and is idempotent (<see cref="IRewardTierGrain.SyncPledgeAsync"/>): if this
/// grain's silo dies in between, the next call on the pledge syncs again, and the tier's own timer syncs a change
/// hold that was never settled.
/// </remarks>
public sealed partial class PledgeGrain(
    IPledgeStore pledges,
    IPaymentStore payments,
    ILedgerStore ledger,
    IPaymentGateway gateway,
    IOptions<CrowdfundGrainOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<PledgeGrain> logger) : Grain, IPledgeGrain
{
    private readonly CrowdfundGrainOptions settings = options.Value;

    // A write loses to a concurrent move of the row only when its tier expired it or another silo's activation of
    // this grain wrote it; reading again settles it, so a couple of rounds are plenty.
    private const int Attempts = 3;

    public async Task<PledgeResult> GetAsync(byte[] tokenHash) =>
        await FindAsync(tokenHash) is { } row ? PledgeResult.Ok(row.ToView()) : PledgeResult.Refused(Refusal.PledgeNotFound);

    public async Task<PledgeResult> CancelAsync(byte[] tokenHash)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await FindAsync(tokenHash) is not { } row) return PledgeResult.Refused(Refusal.PledgeNotFound);
            if (!PledgeLifecycle.BackerMayChange(row.Status)) return PledgeResult.Refused(PledgeLifecycle.ChangeRefusal(row.Status));
            var written = await WriteAsync(row, PledgeStatus.Cancelled, row.TierId, row.Quantity, row.Units, row.Amounts,
                clock.GetUtcNow());
            if (written == PledgeWrite.Conflict) continue;
            if (written == PledgeWrite.CampaignNotLive) return PledgeResult.Refused(Refusal.CampaignNotLive);
            await TierOf(row).SyncPledgeAsync(row.Id);
            return await ViewAsync();
        }
        return PledgeResult.Refused(Refusal.InvalidPledgeState);
    }

    public async Task<PledgeResult> ChangeAsync(byte[] tokenHash, string tierId, int quantity)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await FindAsync(tokenHash) is not { } row) return PledgeResult.Refused(Refusal.PledgeNotFound);
            if (!PledgeLifecycle.BackerMayChange(row.Status)) return PledgeResult.Refused(PledgeLifecycle.ChangeRefusal(row.Status));
            // The target tier holds what the change needs first, so the pledge never leaves its rewards for nothing;
            // then the row is written, and every tier involved follows it (which also drops the hold).
            var source = TierOf(row);
            var target = tierId == row.TierId ? source : TierOf(row.CampaignId, tierId);
            var hold = await target.HoldForChangeAsync(row.Id, row.Country, quantity);
            if (hold.Refusal != Refusal.None) return PledgeResult.Refused(hold.Refusal);
            PledgeWrite written;
            try
            {
                written = await WriteAsync(row, row.Status, tierId, quantity, hold.Units, hold.Amounts!, clock.GetUtcNow());
            }
            finally
            {
                await target.SyncPledgeAsync(row.Id);
                if (target != source) await source.SyncPledgeAsync(row.Id);
            }
            if (written == PledgeWrite.Conflict) continue;
            if (written == PledgeWrite.CampaignNotLive) return PledgeResult.Refused(Refusal.CampaignNotLive);
            return await ViewAsync();
        }
        return PledgeResult.Refused(Refusal.InvalidPledgeState);
    }

    /// <summary>
    /// Deactivates this activation once it is idle. The grain keeps nothing in memory between calls, so a call that a
    /// backer will not follow within seconds (a collection run's, Stripe's events) lets it go at once: a run reaches
    /// every pledge of a campaign, and their activations, kept for Orleans' idle period, would grow the host's memory
    /// with each pledge charged (20,000 activations, about 30 MiB, after a 20,000-pledge run).
    /// </summary>
    private void LetGoWhenIdle() => DeactivateOnIdle();

    private Task<PledgeWrite> WriteAsync(PledgeRecord row, PledgeStatus status, string tierId, int quantity, int units,
        AmountLines amounts, DateTimeOffset now) =>
        pledges.UpdateAsync(Update(row, row with { Status = status, TierId = tierId, Quantity = quantity, Units = units, Amounts = amounts }, now));

    /// <summary>
    /// The write of <paramref name="next"/> over <paramref name="row"/>, checked against the lifecycle. Every move a
    /// backer makes, and a confirmation, counts toward the deadline's totals: none may pass the end.
    /// </summary>
    private static PledgeUpdate Update(PledgeRecord row, PledgeRecord next, DateTimeOffset now)
    {
        if (next.Status != row.Status && !PledgeLifecycle.CanMove(row.Status, next.Status))
            throw new InvalidOperationException($"A pledge cannot move from {row.Status} to {next.Status}.");
        return new PledgeUpdate(next, row.Version, now, WhileCampaignLive: true);
    }

    private async Task<PledgeRecord?> FindAsync(byte[] tokenHash)
    {
        var row = await pledges.GetAsync(this.GetPrimaryKey());
        // Constant time, so that timing does not tell how much of a guessed token was right.
        return row is not null && tokenHash is not null && tokenHash.Length == row.TokenHash.Length
            && CryptographicOperations.FixedTimeEquals(tokenHash, row.TokenHash)
            ? row
            : null;
    }

    private async Task<PledgeResult> ViewAsync() =>
        await pledges.GetAsync(this.GetPrimaryKey()) is { } row
            ? PledgeResult.Ok(row.ToView())
            : PledgeResult.Refused(Refusal.PledgeNotFound);

    private IRewardTierGrain TierOf(PledgeRecord row) => TierOf(row.CampaignId, row.TierId);

    private IRewardTierGrain TierOf(string campaignId, string tierId) =>
        GrainFactory.GetGrain<IRewardTierGrain>(TierKey.Format(campaignId, tierId));
}
