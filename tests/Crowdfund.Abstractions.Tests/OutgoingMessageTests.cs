using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Tests.Readme;

namespace Crowdfund.Abstractions.Tests;

/// <summary>The partner builds against the JSON the README shows; the code must produce exactly that.</summary>
public sealed class OutgoingMessageTests
{
    [Test]
    public void Manufacturing_confirmed_is_the_documented_json()
    {
        var message = new OutgoingMessage<ManufacturingConfirmedV1>(ManufacturingConfirmedV1.Type, ManufacturingConfirmedV1.Version,
            "retro-phone:ManufacturingConfirmed", new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero),
            new ManufacturingConfirmedV1("retro-phone", "Cordless retro-styled landline phone", 500, 502,
                new Dictionary<string, int> { ["FR"] = 180, ["DE"] = 140, ["ES"] = 60, ["US"] = 82, ["CA"] = 40 },
                new DateTimeOffset(2026, 12, 24, 18, 0, 0, TimeSpan.Zero),
                Counts(("RETRO-WALNUT-LTD", [60, 40, 10, 30, 10]), ("RETRO-PHONE", [120, 100, 50, 52, 30]))));

        Assert.That(message.Id, Is.EqualTo(ManufacturingConfirmedV1.IdOf("retro-phone")));
        AssertDocumented(OutgoingJson.Serialize(message), ManufacturingConfirmedV1.Type);
    }

    [Test]
    public void Forecast_updated_is_the_documented_json()
    {
        var message = new OutgoingMessage<ForecastUpdatedV1>(ForecastUpdatedV1.Type, ForecastUpdatedV1.Version,
            ForecastUpdatedV1.IdOf("retro-phone", 1), new DateTimeOffset(2026, 12, 2, 9, 30, 0, TimeSpan.Zero),
            new ForecastUpdatedV1("retro-phone", "Cordless retro-styled landline phone", 1,
                Counts(("RETRO-WALNUT-LTD", [64, 42, 11, 32, 11]), ("RETRO-PHONE", [131, 110, 56, 58, 32])),
                new DateTimeOffset(2026, 12, 24, 18, 0, 0, TimeSpan.Zero)));

        AssertDocumented(OutgoingJson.Serialize(message), ForecastUpdatedV1.Type);
    }

    [Test]
    public void Final_quantities_is_the_documented_json()
    {
        var finished = new DateTimeOffset(2027, 1, 2, 14, 5, 0, TimeSpan.Zero);
        var message = new OutgoingMessage<FinalQuantitiesV1>(FinalQuantitiesV1.Type, FinalQuantitiesV1.Version,
            FinalQuantitiesV1.IdOf("retro-phone"), finished,
            new FinalQuantitiesV1("retro-phone", "Cordless retro-styled landline phone",
                Counts(("RETRO-WALNUT-LTD", [63, 42, 11, 31, 11]), ("RETRO-PHONE", [200, 170, 80, 96, 50])), finished));

        AssertDocumented(OutgoingJson.Serialize(message), FinalQuantitiesV1.Type);
    }

    /// <summary>Units per SKU in the order FR, DE, ES, US, CA.</summary>
    private static UnitCounts Counts(params (string Sku, int[] Units)[] skus) =>
        UnitCounts.Of(skus.SelectMany(s => new[] { "FR", "DE", "ES", "US", "CA" }
            .Select((country, i) => new SkuCountryUnits(s.Sku, country, s.Units[i]))));

    [Test]
    public void Campaign_ended_is_the_documented_json()
    {
        var message = new OutgoingMessage<CampaignEndedV1>(CampaignEndedV1.TypeOf(CampaignStatus.Succeeded), CampaignEndedV1.Version,
            "retro-phone:Succeeded", new DateTimeOffset(2026, 12, 24, 18, 0, 0, TimeSpan.Zero),
            new CampaignEndedV1("retro-phone", CampaignStatus.Succeeded, 500, 612));

        AssertDocumented(OutgoingJson.Serialize(message), CampaignEndedV1.SucceededType);
        Assert.That(CampaignEndedV1.TypeOf(CampaignStatus.Failed), Is.EqualTo("campaign.failed"));
    }

    private static void AssertDocumented(string produced, string type) =>
        Assert.That(Readme.MatchesExample(produced, type), Is.True, $"produced:\n{produced}\ndocumented:\n{Readme.Example(type)}");
}
