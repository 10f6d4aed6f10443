using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Abstractions.Tests;

public sealed class UnitCountsTests
{
    [Test]
    public void Groups_of_one_sku_and_country_add_up_and_every_breakdown_sums_the_matrix()
    {
        // Two tiers share RETRO-PHONE (a single phone, and a duo pack whose rows already hold 2 units per reward).
        var counts = UnitCounts.Of([
            new("RETRO-PHONE", "FR", 3), new("RETRO-PHONE", "FR", 4), new("RETRO-PHONE", "US", 2),
            new("RETRO-WALNUT-LTD", "FR", 1), new("RETRO-WALNUT-LTD", "CA", 0),
        ]);

        Assert.That(counts.Units, Is.EqualTo(10));
        Assert.That(counts.BySku, Is.EqualTo(new Dictionary<string, int> { ["RETRO-PHONE"] = 9, ["RETRO-WALNUT-LTD"] = 1 }));
        Assert.That(counts.ByCountry, Is.EqualTo(new Dictionary<string, int> { ["FR"] = 8, ["US"] = 2 }));
        Assert.That(counts.BySkuAndCountry["RETRO-PHONE"], Is.EqualTo(new Dictionary<string, int> { ["FR"] = 7, ["US"] = 2 }));
        Assert.That(counts.BySkuAndCountry["RETRO-WALNUT-LTD"].Keys, Is.EqualTo(new[] { "FR" }), "no zero entries");
    }

    [Test]
    public void The_same_figures_in_any_order_serialize_alike_and_compare_equal()
    {
        SkuCountryUnits[] groups = [new("B", "US", 2), new("A", "FR", 1), new("B", "DE", 5)];
        var one = UnitCounts.Of(groups);
        var other = UnitCounts.Of(groups.Reverse());

        Assert.That(System.Text.Json.JsonSerializer.Serialize(one, OutgoingJson.Options),
            Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(other, OutgoingJson.Options)));
        Assert.That(one.SameFiguresAs(other), Is.True);
        Assert.That(one.SameFiguresAs(UnitCounts.Of([.. groups, new("A", "FR", 1)])), Is.False, "one more unit");
        Assert.That(one.SameFiguresAs(UnitCounts.Of(groups.Skip(1))), Is.False, "a cell fewer");
        Assert.That(UnitCounts.Empty.SameFiguresAs(UnitCounts.Of([])), Is.True);
    }
}
