namespace Crowdfund.Domain;

/// <summary>Prices a pledge for a country. Pure integer arithmetic on minor units; no floating point.</summary>
public static class Pricing
{
    /// <summary>
    /// The amount lines for <paramref name="quantity"/> rewards of <paramref name="tier"/> shipped to
    /// <paramref name="country"/>, or null when the tier has no price in that currency or does not ship there.
    /// </summary>
    /// <remarks>
    /// Shipping is charged once per pledge and is taxed like the goods (as EU VAT treats it). Where prices include
    /// tax, the tax line is the tax share of the gross: gross × rate ÷ (1 + rate); otherwise the tax is added on
    /// top: net × rate. Both round half away from zero to the minor unit. Within <see cref="Rules.Limits"/> nothing
    /// here comes near overflow; the arithmetic is checked all the same, so a definition that slipped past them fails
    /// loudly instead of charging a wrapped-around amount.
    /// </remarks>
    public static AmountLines? Quote(TierDefinition tier, CountrySettings country, int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (!tier.Prices.TryGetValue(country.Currency, out var unitPrice)) return null;
        if (!tier.ShipsToCountry(country.Country) || !tier.Shipping.TryGetValue(country.Country, out var shipping))
            return null;

        var subtotal = checked(unitPrice * quantity);
        var taxable = checked(subtotal + shipping);
        const long basis = 10_000;
        if (country.PricesIncludeTax)
        {
            var tax = DivideRounded(checked(taxable * country.TaxRateBasisPoints), basis + country.TaxRateBasisPoints);
            return new AmountLines(country.Currency, subtotal, shipping, tax, taxable);
        }
        var addedTax = DivideRounded(checked(taxable * country.TaxRateBasisPoints), basis);
        return new AmountLines(country.Currency, subtotal, shipping, addedTax, checked(taxable + addedTax));
    }

    /// <summary>Non-negative integer division rounding half away from zero.</summary>
    internal static long DivideRounded(long numerator, long denominator) =>
        checked(numerator * 2 + denominator) / checked(denominator * 2);
}
