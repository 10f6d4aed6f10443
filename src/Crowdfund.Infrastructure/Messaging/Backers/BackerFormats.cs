using System.Globalization;

namespace Crowdfund.Infrastructure.Messaging.Backers;

/// <summary>The culture a backer reads: the pledge's locale, or the language of its country when the locale is unusable.</summary>
internal static class BackerCulture
{
    private static readonly Dictionary<string, string> ByCountry = new(StringComparer.OrdinalIgnoreCase)
    {
        ["FR"] = "fr-FR",
        ["DE"] = "de-DE",
        ["ES"] = "es-ES",
        ["US"] = "en-US",
        ["CA"] = "en-CA",
    };

    public static CultureInfo Resolve(string? locale, string country)
    {
        if (Find(locale) is { } culture)
        {
            if (!culture.IsNeutralCulture) return culture;
            // A language alone ("fr") takes the formats of the pledge's country where that pair exists ("fr-CA").
            return Find($"{culture.Name}-{country}") is { IsNeutralCulture: false } regional
                ? regional
                : CultureInfo.CreateSpecificCulture(culture.Name);
        }
        return Find(ByCountry.GetValueOrDefault(country)) ?? Find($"en-{country}") ?? CultureInfo.GetCultureInfo("en-US");
    }

    private static CultureInfo? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        try
        {
            var culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return culture.Name.Length == 0 ? null : culture;
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>Amounts in minor units written for a culture, in any currency.</summary>
internal static class Money
{
    // ISO 4217's currencies whose minor unit is not a hundredth.
    private static readonly HashSet<string> NoDecimals =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
    private static readonly HashSet<string> ThreeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    // Symbols that say which currency they are wherever they are read. A culture's own symbol is used only for its
    // own currency: "$" is a US dollar to en-US and a Canadian one to en-CA, so a US reader of CAD sees "CA$".
    private static readonly Dictionary<string, string> Symbols = new()
    {
        ["EUR"] = "€",
        ["USD"] = "US$",
        ["CAD"] = "CA$",
        ["GBP"] = "£",
    };

    public static int Decimals(string currency) =>
        NoDecimals.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;

    public static string Format(long minorUnits, string currency, CultureInfo culture)
    {
        currency = currency.ToUpperInvariant();
        var decimals = Decimals(currency);
        var amount = minorUnits / (decimal)Math.Pow(10, decimals);
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencyDecimalDigits = decimals;
        if (OwnCurrency(culture) != currency)
        {
            format.CurrencySymbol = Symbols.GetValueOrDefault(currency, currency);
            // A code written as letters ("CHF") stands apart from the number, whatever side it is on.
            if (format.CurrencySymbol.All(char.IsAsciiLetter))
                format.CurrencyPositivePattern = format.CurrencyPositivePattern switch { 0 => 2, 1 => 3, var same => same };
        }
        return amount.ToString("C", format);
    }

    private static string? OwnCurrency(CultureInfo culture)
    {
        try
        {
            return new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// A moment written for a culture, in the clock of the pledge's country, with its UTC offset: the backer's own time
/// zone is not known, and a date alone could be a day off for them.
/// </summary>
internal static class BackerDates
{
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["FR"] = "Europe/Paris",
        ["DE"] = "Europe/Berlin",
        ["ES"] = "Europe/Madrid",
        ["US"] = "America/New_York",
        ["CA"] = "America/Toronto",
    };

    public static string Format(DateTimeOffset moment, CultureInfo culture, string country, Func<string, string, string> dateAtTime)
    {
        var zone = Zones.TryGetValue(country, out var id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found)
            ? found
            : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(moment, zone);
        var sign = local.Offset < TimeSpan.Zero ? "-" : "+";
        return $"{dateAtTime(local.ToString("D", culture), local.ToString("t", culture))} (UTC{sign}{local.Offset:hh\\:mm})";
    }
}
