using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Abstractions.Tests;

public sealed class ThresholdTests
{
    private static readonly Threshold Goal = new(500, [25, 50, 75, 100, 150]);

    [TestCase(0, 0)]
    [TestCase(124, 24)]
    [TestCase(125, 25)]
    [TestCase(500, 100)]
    [TestCase(1_000_000, 200_000)]
    public void Percent_rounds_down(int confirmed, int percent) => Assert.That(Goal.PercentOf(confirmed), Is.EqualTo(percent));

    [Test]
    public void Milestones_come_in_order_and_manufacturing_once_the_goal_is_reached()
    {
        Assert.That(Goal.DueEvents(124, new HashSet<string>()), Is.Empty);
        Assert.That(Goal.DueEvents(260, new HashSet<string>()), Is.EqualTo(new[] { "milestone-25", "milestone-50" }));
        Assert.That(Goal.DueEvents(500, new HashSet<string> { "milestone-25", "milestone-50" }),
            Is.EqualTo(new[] { "milestone-75", "milestone-100", Threshold.ManufacturingConfirmed }));
        Assert.That(Goal.DueEvents(760, new HashSet<string> { "milestone-25", "milestone-50", "milestone-75", "milestone-100",
            Threshold.ManufacturingConfirmed }), Is.EqualTo(new[] { "milestone-150" }));
    }

    [Test]
    public void The_goal_decides_how_the_campaign_ends()
    {
        Assert.That(Goal.OutcomeAt(499), Is.EqualTo(CampaignStatus.Failed));
        Assert.That(Goal.OutcomeAt(500), Is.EqualTo(CampaignStatus.Succeeded));
    }

    [Test]
    public void No_milestone_product_overflows_at_the_largest_goal()
    {
        var big = new Threshold(1_000_000, [1000]);
        Assert.That(big.DueEvents(int.MaxValue, new HashSet<string>()),
            Is.EqualTo(new[] { "milestone-1000", Threshold.ManufacturingConfirmed }));
    }

    [Test]
    public void A_threshold_without_a_goal_cannot_exist() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Threshold(0, []));
}
