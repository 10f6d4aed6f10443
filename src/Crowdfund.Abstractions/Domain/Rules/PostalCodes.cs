using System.Text.RegularExpressions;

namespace Crowdfund.Domain.Rules;

/// <summary>
/// The shape of a postal code in each launch country; a shape check, not a lookup of existing codes. Codes are
/// matched in upper-case ASCII: [0-9] rather than \d, which also takes Arabic-Indic and other digits, and no
/// ignore-case, which lets the Kelvin sign pass for a K.
/// </summary>
public static partial class PostalCodes
{
    public static bool IsValid(string country, string postalCode) => country switch
    {
        "FR" or "DE" => FiveDigits().IsMatch(postalCode),
        // Spanish codes start with the province number, 01 to 52.
        "ES" => Spain().IsMatch(postalCode),
        "US" => UsZip().IsMatch(postalCode),
        // Canadian codes never use D, F, I, O, Q or U, nor W or Z as first letter.
        "CA" => Canada().IsMatch(postalCode),
        _ => false,
    };

    [GeneratedRegex(@"\A[0-9]{5}\z")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"\A(0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}\z")]
    private static partial Regex Spain();

    [GeneratedRegex(@"\A[0-9]{5}(-[0-9]{4})?\z")]
    private static partial Regex UsZip();

    [GeneratedRegex(@"\A[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]\z")]
    private static partial Regex Canada();
}
