using Crowdfund.Domain.Rules;

namespace Crowdfund.Abstractions.Tests;

public sealed class TextRulesTests
{
    private static (string? Clean, IReadOnlyList<Domain.Problem> Problems) Clean(string? value, int max = 10,
        bool required = true, bool multiline = false)
    {
        var problems = new ProblemList();
        var clean = TextRules.Clean(value, "field", max, problems, required, multiline);
        return (clean, problems.Items);
    }

    [TestCase("Ada", "Ada")]
    [TestCase("  Ada Lovelace \t", "Ada Lovelace")]
    [TestCase("Cafe\u0301", "Caf\u00e9")] // decomposed accent composed (NFC)
    [TestCase("\u212Aelvin", "Kelvin")] // the Kelvin sign is canonically a K
    [TestCase("Zoë 👩‍👩‍👧", "Zoë 👩‍👩‍👧")] // astral characters and an emoji sequence are text
    public void Accepted_text_is_normalized_and_trimmed(string value, string expected)
    {
        var (clean, problems) = Clean(value, max: 20);
        Assert.That(problems, Is.Empty);
        Assert.That(clean, Is.EqualTo(expected));
    }

    [TestCase("Ada\u0000")]
    [TestCase("\u001b[31mred")]
    [TestCase("Ada\r\nBcc: x")]
    [TestCase("bell\u0007")]
    [TestCase("right\u202Eleft")] // bidi override, a format character
    [TestCase("zero\u200Bwidth")]
    [TestCase("line\u2028sep")]
    [TestCase("non\uFFFEchar")]
    public void Control_and_format_characters_are_refused_and_named(string value)
    {
        var (clean, problems) = Clean(value, max: 20);
        Assert.That(clean, Is.Null);
        Assert.That(problems.Single().Field, Is.EqualTo("field"));
        Assert.That(problems.Single().Code, Is.EqualTo("text_invalid"));
    }

    [Test]
    public void Unpaired_surrogates_are_refused()
    {
        Assert.That(Clean("a\uD800b").Problems.Single().Code, Is.EqualTo("text_invalid"));
        Assert.That(Clean("a\uDC00").Problems.Single().Code, Is.EqualTo("text_invalid"));
        Assert.That(Clean("\uD83D").Problems.Single().Code, Is.EqualTo("text_invalid"));
    }

    [Test]
    public void A_line_break_passes_only_where_the_field_allows_one_and_is_stored_as_lf()
    {
        Assert.That(Clean("one\r\ntwo", max: 20, multiline: true).Clean, Is.EqualTo("one\ntwo"));
        Assert.That(Clean("one\rtwo", max: 20, multiline: true).Clean, Is.EqualTo("one\ntwo"));
        Assert.That(Clean("one\ttwo", max: 20, multiline: true).Problems.Single().Code, Is.EqualTo("text_invalid"));
        Assert.That(Clean("one\ntwo", max: 20).Problems.Single().Code, Is.EqualTo("text_invalid"));
    }

    [Test]
    public void Length_counts_what_a_person_sees()
    {
        // Ten flags are forty UTF-16 code units, ten characters to a reader.
        var flags = string.Concat(Enumerable.Repeat("🇫🇷", 10));
        Assert.That(Clean(flags, max: 10).Clean, Is.EqualTo(flags));
        Assert.That(Clean(flags + "🇫🇷", max: 10).Problems.Single().Code, Is.EqualTo("too_long"));
        // Combining marks stacked on one letter are one character, but not an unbounded one.
        Assert.That(Clean("a" + new string('\u0301', 60), max: 10).Problems.Single().Code, Is.EqualTo("too_long"));
    }

    [Test]
    public void Missing_or_blank_text_is_required_unless_optional()
    {
        Assert.That(Clean(null).Problems.Single().Code, Is.EqualTo("required"));
        Assert.That(Clean("   ").Problems.Single().Code, Is.EqualTo("required"));
        var absent = Clean(null, required: false);
        Assert.That(absent.Clean, Is.Null);
        Assert.That(absent.Problems, Is.Empty);
        Assert.That(Clean("  ", required: false).Clean, Is.EqualTo(""));
    }

    [TestCase("k", true)]
    [TestCase("order-42:retry_1", true)]
    [TestCase("", false)]
    [TestCase("with space", false)]
    [TestCase("tab\tkey", false)]
    [TestCase("line\n", false)]
    [TestCase("clé", false)]
    public void Idempotency_keys_are_visible_ascii(string key, bool valid) =>
        Assert.That(TextRules.IsIdempotencyKey(key), Is.EqualTo(valid));

    [Test]
    public void Idempotency_keys_are_255_characters_at_most()
    {
        Assert.That(TextRules.IsIdempotencyKey(new string('k', 255)), Is.True);
        Assert.That(TextRules.IsIdempotencyKey(new string('k', 256)), Is.False);
    }

    [TestCase("evil\n")]
    [TestCase("std\n")]
    [TestCase("Upper")]
    [TestCase("-dash")]
    [TestCase("")]
    public void Identifiers_are_anchored_at_the_very_end(string id) => Assert.That(Identifiers.IsValid(id), Is.False);
}
