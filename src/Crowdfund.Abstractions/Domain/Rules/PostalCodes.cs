using System.Text.RegularExpressions;

namespace Crowdfund.Domain.Rules;

/// <summary>The shape of a postal code in each launch country; a shape check, not a lookup of existing codes.</summary>
public static partial class PostalCodes
{
    public static bool IsValid(string country, string postalCode) => country.ToUpperInvariant() switch
    {
        "FR" or "DE" => FiveDigits().IsMatch(postalCode),
        // Spanish codes start with the province number, 01 to 52.
        "ES" => Spain().IsMatch(postalCode),
        "US" => UsZip().IsMatch(postalCode),
        // Canadian codes never use D, F, I, O, Q or U, nor W or Z as first letter.
        "CA" => Canada().IsMatch(postalCode),
        _ => false,
    };

    [GeneratedRegex(@"^\d{5}$")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"^(0[1-9]|[1-4]\d|5[0-2])\d{3}$")]
    private static partial Regex Spain();

    [GeneratedRegex(@"^\d{5}(-\d{4})?$")]
    private static partial Regex UsZip();

    [GeneratedRegex(@"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$", RegexOptions.IgnoreCase)]
    private static partial Regex Canada();
}
