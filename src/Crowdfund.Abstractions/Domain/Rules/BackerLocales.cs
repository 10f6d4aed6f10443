using System.Text.RegularExpressions;

namespace Crowdfund.Domain.Rules;

/// <summary>
/// The language a backer is written to in, kept with the pledge as a culture name ("fr-CA"): the language asked for
/// when Crowdfund speaks it, otherwise the country's own; the country settles how amounts and dates are formatted.
/// </summary>
public static partial class BackerLocales
{
    /// <summary>The languages messages are written in.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "fr", "de", "es"];

    private static readonly Dictionary<string, string> CountryLanguage = new(StringComparer.Ordinal)
    {
        ["FR"] = "fr", ["DE"] = "de", ["ES"] = "es", ["US"] = "en", ["CA"] = "en",
    };

    /// <summary>
    /// The culture name for a pledge from <paramref name="country"/> (already a valid two-letter code), or null when
    /// <paramref name="requested"/> is not a language tag. A well-formed tag of a language not spoken here (say "it")
    /// falls back to the country's language rather than refusing the pledge.
    /// </summary>
    public static string? Resolve(string? requested, string country)
    {
        var language = CountryLanguage.GetValueOrDefault(country, "en");
        if (requested is not null)
        {
            if (!Tag().IsMatch(requested)) return null;
            var asked = requested.Split('-', '_')[0].ToLowerInvariant();
            if (Languages.Contains(asked)) language = asked;
        }
        return $"{language}-{country}";
    }

    // BCP 47's shape, loosely: a 2-3 letter language, then subtags of up to 8 letters or digits.
    [GeneratedRegex(@"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
