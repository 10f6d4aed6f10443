using Crowdfund.Messages;

namespace Crowdfund.Domain.Rules;

/// <summary>A new pledge as the backer sent it, cleaned: what the tier grain receives and the database stores.</summary>
/// <param name="Locale">The culture the backer is written to in (<see cref="BackerLocales"/>).</param>
public sealed record PledgeInput(string TierId, int Quantity, string Country, string BackerName, string BackerEmail,
    ShippingAddress Address, string Locale);

/// <summary>
/// Checks a new pledge completely at the edge, before it joins a batch: every field a database constraint or a
/// later sum could trip on is settled here, so that nothing a client sends can fail the commit it shares with
/// other backers' pledges.
/// </summary>
public static class PledgeInputRules
{
    public static (PledgeInput? Input, IReadOnlyList<Problem> Problems) Check(string? tierId, int? quantity,
        string? country, string? name, string? email, string? line1, string? line2, string? city, string? region,
        string? postalCode, string? locale = null)
    {
        var problems = new ProblemList();
        problems.Check(Identifiers.IsValid(tierId), "tierId", "required", "The tier id is required.");
        problems.Check(quantity is >= 1 and <= Limits.MaxQuantityPerPledge, "quantity", "out_of_range",
            $"The quantity is between 1 and {Limits.MaxQuantityPerPledge}.");
        var code = CountryCode(country);
        problems.Check(code is not null, "country", "required", "The country is a two-letter code.");
        var backerName = TextRules.Clean(name, "backer.name", 200, problems);
        var backerEmail = TextRules.Clean(email, "backer.email", 254, problems);
        if (backerEmail is not null) problems.Check(Emails.IsValid(backerEmail), "backer.email", "email_invalid", "The email address is not valid.");
        var address = CheckAddress(code, line1, line2, city, region, postalCode, problems);
        var culture = BackerLocales.Resolve(locale, code ?? "US");
        problems.Check(culture is not null, "locale", "locale_invalid", "The locale is a language tag such as \"fr\" or \"de-DE\".");
        return problems.Items.Count > 0
            ? (null, problems.Items)
            : (new PledgeInput(tierId!, quantity!.Value, code!, backerName!, backerEmail!, address, culture!), []);
    }

    /// <summary>
    /// The shipping address cleaned, its postal code checked for <paramref name="country"/>; each refusal is added to
    /// <paramref name="problems"/> under <c>shippingAddress.*</c>. Used at pledge time and for a later correction.
    /// </summary>
    public static ShippingAddress CheckAddress(string? country, string? line1, string? line2, string? city,
        string? region, string? postalCode, ProblemList problems)
    {
        var address = new ShippingAddress(
            TextRules.Clean(line1, "shippingAddress.line1", 200, problems) ?? "",
            TextRules.Clean(line2, "shippingAddress.line2", 200, problems, required: false) is { Length: > 0 } l2 ? l2 : null,
            TextRules.Clean(city, "shippingAddress.city", 100, problems) ?? "",
            TextRules.Clean(region, "shippingAddress.region", 100, problems, required: false) is { Length: > 0 } r ? r : null,
            (TextRules.Clean(postalCode, "shippingAddress.postalCode", 16, problems) ?? "").ToUpperInvariant());
        // Outside the launch countries the campaign refuses the country itself, which says more than a postal code.
        if (country is not null && LaunchCountries.Currencies.ContainsKey(country) && address.PostalCode.Length > 0)
            problems.Check(PostalCodes.IsValid(country, address.PostalCode), "shippingAddress.postalCode",
                "postal_code_invalid", $"The postal code is not valid for {country}.");
        return address;
    }

    /// <summary>A two-letter ASCII country code in upper case, or null.</summary>
    public static string? CountryCode(string? country) =>
        country is { Length: 2 } && country.All(char.IsAsciiLetter) ? country.ToUpperInvariant() : null;
}
