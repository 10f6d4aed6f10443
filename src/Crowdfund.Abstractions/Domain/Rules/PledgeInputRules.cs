namespace Crowdfund.Domain.Rules;

/// <summary>The backer's details of a new pledge, checked at the edge before any grain is called.</summary>
public static class PledgeInputRules
{
    public static IReadOnlyList<Problem> Validate(string country, string? name, string? email, string? line1,
        string? city, string? postalCode)
    {
        var problems = new ProblemList();
        problems.Check(!string.IsNullOrWhiteSpace(name) && name.Length <= 200, "backer.name", "required",
            "The backer's name is required (200 characters at most).");
        problems.Check(email is not null && Emails.IsValid(email), "backer.email", "email_invalid",
            "The email address is not valid.");
        problems.Check(!string.IsNullOrWhiteSpace(line1) && line1.Length <= 200, "shippingAddress.line1", "required",
            "The first address line is required (200 characters at most).");
        problems.Check(!string.IsNullOrWhiteSpace(city) && city.Length <= 100, "shippingAddress.city", "required",
            "The city is required (100 characters at most).");
        // Outside the launch countries the campaign refuses the country itself, which says more than a postal code.
        if (LaunchCountries.Currencies.ContainsKey(country))
            problems.Check(postalCode is not null && PostalCodes.IsValid(country, postalCode), "shippingAddress.postalCode",
                "postal_code_invalid", $"The postal code is not valid for {country}.");
        return problems.Items;
    }
}
