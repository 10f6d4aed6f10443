using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Abstractions.Tests;

public sealed class LifecycleTests
{
    [TestCase(PledgeStatus.Reserved, PledgeStatus.Confirmed, true)]
    [TestCase(PledgeStatus.Reserved, PledgeStatus.Expired, true)]
    [TestCase(PledgeStatus.Confirmed, PledgeStatus.Cancelled, true)]
    [TestCase(PledgeStatus.Confirmed, PledgeStatus.PaymentPending, true)]
    [TestCase(PledgeStatus.PaymentFailed, PledgeStatus.Dropped, true)]
    [TestCase(PledgeStatus.Expired, PledgeStatus.Confirmed, false)]
    [TestCase(PledgeStatus.Cancelled, PledgeStatus.Reserved, false)]
    [TestCase(PledgeStatus.Reserved, PledgeStatus.Collected, false)]
    [TestCase(PledgeStatus.Collected, PledgeStatus.Cancelled, false)]
    public void Moves(PledgeStatus from, PledgeStatus to, bool allowed) =>
        Assert.That(PledgeLifecycle.CanMove(from, to), Is.EqualTo(allowed));

    [Test]
    public void Every_status_has_its_moves_and_the_final_ones_have_none()
    {
        var final = Enum.GetValues<PledgeStatus>().Where(PledgeLifecycle.IsFinal);
        Assert.That(final, Is.EquivalentTo(new[]
        {
            PledgeStatus.Cancelled, PledgeStatus.Expired, PledgeStatus.Released, PledgeStatus.Dropped, PledgeStatus.Refunded,
        }));
        // A final status gives its rewards back; every other one keeps them.
        foreach (var status in Enum.GetValues<PledgeStatus>())
            Assert.That(PledgeLifecycle.HoldsRewards(status), Is.EqualTo(!PledgeLifecycle.IsFinal(status)), status.ToString());
    }

    [Test]
    public void Only_a_saved_card_counts_toward_the_goal()
    {
        Assert.That(PledgeLifecycle.CountsTowardGoal(PledgeStatus.Reserved), Is.False);
        Assert.That(PledgeLifecycle.CountsTowardGoal(PledgeStatus.Confirmed), Is.True);
        Assert.That(PledgeLifecycle.CountsTowardGoal(PledgeStatus.Collected), Is.True);
        Assert.That(PledgeLifecycle.CountsTowardGoal(PledgeStatus.Dropped), Is.False);
    }
}
