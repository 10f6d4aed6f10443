using System.Globalization;
using System.Text;
using Crowdfund.Domain.Rules;
using Crowdfund.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Crowdfund.Abstractions.Tests;

/// <summary>Random and adversarial input: every text is refused with its field named, or accepted exactly as it will be stored.</summary>
public sealed class InputPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(2_000);
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Test]
    public void Text_is_refused_with_its_field_or_accepted_clean_and_stable()
    {
        var cases =
            from value in HostileText.OrNull(HostileText.Strings())
            from multiline in Gen.Elements(true, false)
            from max in Gen.Choose(1, 40)
            select (value, multiline, max);
        Prop.ForAll(Arb.From(cases), c =>
        {
            var (value, multiline, max) = c;
            var problems = new ProblemList();
            var clean = TextRules.Clean(value, "f", max, problems, multiline: multiline);
            if (clean is null)
                return problems.Items.Count == 1 && problems.Items[0].Field == "f";
            return problems.Items.Count == 0
                && clean.Length > 0
                && clean == clean.Trim()
                && clean.IsNormalized(NormalizationForm.FormC)
                && new StringInfo(clean).LengthInTextElements <= max
                && clean.All(ch => ch != '\0' && (ch == '\n' ? multiline : !char.IsControl(ch)))
                && Strict.GetByteCount(clean) > 0
                && Again(clean, max, multiline) == clean;
        }).Check(Runs);
    }

    [Test]
    public void A_pledge_never_throws_and_is_refused_or_accepted_with_every_field_clean()
    {
        var text = HostileText.OrNull(HostileText.Strings(8));
        var codes = HostileText.OrNull(Gen.Elements("FR", "fr", "DE", "ES", "US", "CA", "IT", "F", "FRA", "ﬀ", "F\u0000", ""));
        var postal = HostileText.OrNull(Gen.OneOf(Gen.Elements("75002", "10115", "28001", "94103-1234", "K1A 0B1", "k1a0b1",
            "75002\n", "٧٥٠٠٢", "\u212a1A 0B1"), HostileText.Strings(4)));
        var email = HostileText.OrNull(Gen.OneOf(Gen.Elements("ada@example.com", "ada@example.com\n", "ada\u0000@example.com",
            "Ada <ada@example.com>", "ada@localhost"), HostileText.Strings(3)));
        var quantity = Gen.Elements<int?>(null, int.MinValue, -1, 0, 1, 2, 100, 101, int.MaxValue);
        var tier = HostileText.OrNull(Gen.Elements("early", "std\n", "UPPER", "-x", new string('a', 65), "duo-pack"));
        var pledges =
            from tierId in tier
            from qty in quantity
            from country in codes
            from name in text
            from mail in email
            from line1 in text
            from city in text
            from code in postal
            select (tierId, qty, country, name, mail, line1, city, code);
        Prop.ForAll(Arb.From(pledges), p =>
        {
            var (tierId, qty, country, name, mail, line1, city, code) = p;
            var (input, problems) = PledgeInputRules.Check(tierId, qty, country, name, mail, line1, null, city, null, code);
            if (input is null) return problems.Count > 0 && problems.All(x => x.Field.Length > 0);
            return problems.Count == 0
                && Identifiers.IsValid(input.TierId)
                && input.Quantity is >= 1 and <= Limits.MaxQuantityPerPledge
                && input.Country.Length == 2 && input.Country.All(char.IsAsciiLetterUpper)
                && Again(input.BackerName, 200, false) == input.BackerName
                && Again(input.Address.Line1, 200, false) == input.Address.Line1
                && Again(input.Address.City, 100, false) == input.Address.City
                && Emails.IsValid(input.BackerEmail)
                && (!LaunchCountries.Currencies.ContainsKey(input.Country) || PostalCodes.IsValid(input.Country, input.Address.PostalCode));
        }).Check(Runs);
    }

    private static string? Again(string text, int max, bool multiline) =>
        TextRules.Clean(text, "f", max, new ProblemList(), multiline: multiline);
}
