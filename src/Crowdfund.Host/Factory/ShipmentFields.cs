using System.Globalization;
using Crowdfund.Domain.Rules;
using Crowdfund.Infrastructure.Factory;

namespace Crowdfund.Host.Factory;

/// <summary>
/// One shipment as sent, before any check, and where it came from: <paramref name="Where"/> prefixes the field names of
/// its problems ("lines[3]." in a JSON array, "line 4." in a CSV file, "" for a single object).
/// </summary>
public sealed record ShipmentFields(string Where, string? OrderReference, string? Carrier, string? TrackingNumber, string? ShippedAt)
{
    public const int MaxCarrierLength = 60;

    // A moment with its offset (or UTC when it has none), or a day alone, taken as its start in UTC: a factory's
    // spreadsheet often holds only the day.
    private static readonly string[] Moments =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];

    /// <summary>The checked line; problems name each bad field with <see cref="Where"/> before it.</summary>
    public ShipmentLine? Check(DateTimeOffset now, ProblemList problems)
    {
        var before = problems.Items.Count;
        var number = OrderReferences.Parse(OrderReference);
        problems.Check(number is not null, Where + "orderReference", "reference_invalid",
            "orderReference is an order's reference, CF- and seven digits or more (CF-0000042).");
        var carrier = TextRules.Clean(Carrier, Where + "carrier", MaxCarrierLength, problems);
        var tracking = TrackingNumbers.Normalize(TrackingNumber);
        problems.Check(tracking is not null, Where + "trackingNumber", "tracking_invalid",
            $"trackingNumber is 4 to {TrackingNumbers.MaxLength} letters, digits and inner dashes.");
        var parsed = DateTimeOffset.TryParseExact(ShippedAt, Moments, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var shippedAt);
        problems.Check(parsed, Where + "shippedAt", "date_invalid",
            "shippedAt is an ISO 8601 moment (2027-03-01T09:30:00+01:00) or day (2027-03-01).");
        // A day ahead at most, for the factory's clock and time zone; a parcel does not leave in the future.
        problems.Check(!parsed || (shippedAt.Year >= 2000 && shippedAt <= now.AddDays(1)), Where + "shippedAt", "out_of_range",
            "shippedAt is a moment that has come.");
        return problems.Items.Count == before ? new ShipmentLine(number!.Value, carrier!, tracking!, shippedAt) : null;
    }
}
