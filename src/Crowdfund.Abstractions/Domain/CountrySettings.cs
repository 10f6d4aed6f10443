namespace Crowdfund.Domain;

/// <summary>How a launch country is sold to: its currency and its tax.</summary>
/// <param name="Country">ISO 3166-1 alpha-2 code, upper case (FR, DE, ES, US, CA).</param>
/// <param name="Currency">ISO 4217 code, upper case (EUR, USD, CAD).</param>
/// <param name="TaxRateBasisPoints">Tax rate in hundredths of a percent: 2000 is 20 %.</param>
/// <param name="PricesIncludeTax">True where shown prices already hold the tax (EU VAT); false where tax is added on top (US, CA).</param>
[GenerateSerializer, Immutable, Alias("crowdfund.CountrySettings")]
public sealed record CountrySettings(
    [property: Id(0)] string Country,
    [property: Id(1)] string Currency,
    [property: Id(2)] int TaxRateBasisPoints,
    [property: Id(3)] bool PricesIncludeTax);
