using System.Security.Cryptography;
using Crowdfund.Infrastructure.Pledges;
using Crowdfund.Messages;

namespace Crowdfund.Grains.Pledges;

/// <summary>
/// Checks the backer's token and serialises the backer's operations on one pledge. It keeps nothing in memory:
/// the row is the truth and the tier grains own the inventory, so each call reads the row and routes to them.
/// </summary>
public sealed class PledgeGrain(PledgeStore pledges) : Grain, IPledgeGrain
{
    public async Task<PledgeResult> GetAsync(byte[] tokenHash) =>
        await FindAsync(tokenHash) is { } row ? PledgeResult.Ok(row.ToView()) : PledgeResult.Refused(Refusal.PledgeNotFound);

    public async Task<PledgeResult> CancelAsync(byte[] tokenHash) =>
        await FindAsync(tokenHash) is { } row
            ? await TierOf(row.CampaignId, row.TierId).CancelAsync(row.Id)
            : PledgeResult.Refused(Refusal.PledgeNotFound);

    public async Task<PledgeResult> ConfirmAsync()
    {
        var row = await pledges.GetAsync(this.GetPrimaryKey());
        return row is null
            ? PledgeResult.Refused(Refusal.PledgeNotFound)
            : await TierOf(row.CampaignId, row.TierId).ConfirmAsync(row.Id);
    }

    public async Task<PledgeResult> ChangeAsync(byte[] tokenHash, string tierId, int quantity)
    {
        if (await FindAsync(tokenHash) is not { } row) return PledgeResult.Refused(Refusal.PledgeNotFound);
        var source = TierOf(row.CampaignId, row.TierId);
        if (tierId == row.TierId) return await source.ChangeQuantityAsync(row.Id, quantity);
        if (row.Status is not (PledgeStatus.Reserved or PledgeStatus.Confirmed))
            return PledgeResult.Refused(Refusal.InvalidPledgeState);

        // A move holds the rewards in the new tier first, so the pledge never leaves its tier for nothing; the
        // source tier then rewrites the row, and the new tier counts the pledge or drops the hold.
        var target = TierOf(row.CampaignId, tierId);
        var refusal = await target.HoldForMoveAsync(row.Id, row.Country, quantity);
        if (refusal != Refusal.None) return PledgeResult.Refused(refusal);
        PledgeResult moved;
        try
        {
            moved = await source.MoveOutAsync(row.Id, tierId, quantity);
        }
        catch
        {
            await target.ReleaseMoveHoldAsync(row.Id);
            throw;
        }
        if (moved.Refusal == Refusal.None) await target.AcceptMoveAsync(row.Id);
        else await target.ReleaseMoveHoldAsync(row.Id);
        return moved;
    }

    private async Task<PledgeRecord?> FindAsync(byte[] tokenHash)
    {
        var row = await pledges.GetAsync(this.GetPrimaryKey());
        // Constant time, so that timing does not tell how much of a guessed token was right.
        return row is not null && tokenHash.Length == row.TokenHash.Length
            && CryptographicOperations.FixedTimeEquals(tokenHash, row.TokenHash)
            ? row
            : null;
    }

    private IRewardTierGrain TierOf(string campaignId, string tierId) =>
        GrainFactory.GetGrain<IRewardTierGrain>(TierKey.Format(campaignId, tierId));
}
