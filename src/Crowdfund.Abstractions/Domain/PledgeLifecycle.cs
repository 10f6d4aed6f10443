using Crowdfund.Messages;

namespace Crowdfund.Domain;

/// <summary>
/// The pledge's status machine: which moves are allowed, which statuses hold rewards of a tier, and which count
/// toward the manufacturing goal. The pledge grain makes every move of one pledge through it; the tier grain asks
/// it which rows it must hold and count.
/// </summary>
public static class PledgeLifecycle
{
    private static readonly Dictionary<PledgeStatus, PledgeStatus[]> Moves = new()
    {
        [PledgeStatus.Reserved] = [PledgeStatus.Confirmed, PledgeStatus.Cancelled, PledgeStatus.Expired, PledgeStatus.Released],
        [PledgeStatus.Confirmed] = [PledgeStatus.Cancelled, PledgeStatus.Released, PledgeStatus.PaymentPending],
        [PledgeStatus.PaymentPending] = [PledgeStatus.Collected, PledgeStatus.PaymentFailed, PledgeStatus.ActionRequired],
        [PledgeStatus.PaymentFailed] = [PledgeStatus.PaymentPending, PledgeStatus.Collected, PledgeStatus.Dropped],
        [PledgeStatus.ActionRequired] = [PledgeStatus.PaymentPending, PledgeStatus.Collected, PledgeStatus.PaymentFailed, PledgeStatus.Dropped],
        [PledgeStatus.Collected] = [PledgeStatus.Refunded, PledgeStatus.PartiallyRefunded, PledgeStatus.Disputed],
        [PledgeStatus.PartiallyRefunded] = [PledgeStatus.Refunded, PledgeStatus.Disputed],
        [PledgeStatus.Disputed] = [PledgeStatus.Collected, PledgeStatus.PartiallyRefunded, PledgeStatus.Refunded],
        [PledgeStatus.Cancelled] = [],
        [PledgeStatus.Expired] = [],
        [PledgeStatus.Released] = [],
        [PledgeStatus.Dropped] = [],
        [PledgeStatus.Refunded] = [],
    };

    /// <summary>Statuses whose rewards a tier holds against its limit.</summary>
    public static IReadOnlyList<PledgeStatus> Holding { get; } = Enum.GetValues<PledgeStatus>().Where(HoldsRewards).ToArray();

    public static bool CanMove(PledgeStatus from, PledgeStatus to) => Moves[from].Contains(to);

    /// <summary>True when nothing can happen to the pledge any more.</summary>
    public static bool IsFinal(PledgeStatus status) => Moves[status].Length == 0;

    /// <summary>The rewards stay taken: from the reservation until the pledge is let go, refunded or dropped.</summary>
    public static bool HoldsRewards(PledgeStatus status) =>
        status is not (PledgeStatus.Cancelled or PledgeStatus.Expired or PledgeStatus.Released or PledgeStatus.Dropped
            or PledgeStatus.Refunded);

    /// <summary>The units count toward the goal once the card is saved, for as long as the rewards are held.</summary>
    public static bool CountsTowardGoal(PledgeStatus status) => status != PledgeStatus.Reserved && HoldsRewards(status);

    /// <summary>
    /// The money was taken and the rewards are owed: collected, partly refunded, or disputed (until a lost dispute
    /// ends in a refund). These are what collection counts as collected and what the partner manufactures.
    /// </summary>
    public static bool IsCollected(PledgeStatus status) =>
        status is PledgeStatus.Collected or PledgeStatus.PartiallyRefunded or PledgeStatus.Disputed;

    /// <summary>The backer may still change the tier or quantity, or cancel (while the campaign is live).</summary>
    public static bool BackerMayChange(PledgeStatus status) => status is PledgeStatus.Reserved or PledgeStatus.Confirmed;

    /// <summary>Statuses only the campaign's end leads to: collection, release, and what follows them.</summary>
    public static bool IsAfterEnd(PledgeStatus status) =>
        status is not (PledgeStatus.Reserved or PledgeStatus.Confirmed or PledgeStatus.Cancelled or PledgeStatus.Expired);

    /// <summary>Why a backer's change is refused in this status: the campaign ended, or the pledge is let go.</summary>
    public static Refusal ChangeRefusal(PledgeStatus status) =>
        IsAfterEnd(status) ? Refusal.CampaignNotLive : Refusal.InvalidPledgeState;
}
