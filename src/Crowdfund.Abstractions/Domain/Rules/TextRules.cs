using System.Globalization;
using System.Text;

namespace Crowdfund.Domain.Rules;

/// <summary>
/// The one rule for every text a backer or the team sends (names, addresses, titles, descriptions): well-formed
/// Unicode normalized to NFC, no control or format characters (a line break only where the field allows one; the
/// zero-width joiners that scripts and emoji need), no non-characters, trimmed, and no longer than a person would
/// count. What passes is stored exactly as returned.
/// </summary>
public static class TextRules
{
    /// <summary>
    /// The normalized text, or null when it is absent or refused; each refusal is added to
    /// <paramref name="problems"/> under <paramref name="field"/>.
    /// </summary>
    /// <param name="maxLength">Most user-perceived characters (grapheme clusters: "é" or a flag is one).</param>
    public static string? Clean(string? value, string field, int maxLength, ProblemList problems,
        bool required = true, bool multiline = false)
    {
        if (value is null)
        {
            problems.Check(!required, field, "required", $"{field} is required.");
            return null;
        }
        // Checked before anything else: Normalize throws on an unpaired surrogate, and PostgreSQL refuses one.
        if (!IsWellFormed(value))
        {
            problems.Add(field, "text_invalid", $"{field} holds an unpaired surrogate, which is not text.");
            return null;
        }
        // Whitespace around the text (a stray tab or newline from a paste) goes first; forbidden characters are looked
        // for before normalizing, since ICU refuses to normalize a non-character at all.
        var text = (multiline ? value.ReplaceLineEndings("\n") : value).Trim();
        if (FirstForbidden(text, multiline) is { } bad)
        {
            problems.Add(field, "text_invalid",
                $"{field} holds the character U+{bad.Value:X4}, a control or format character not allowed here.");
            return null;
        }
        text = text.Normalize(NormalizationForm.FormC);
        if (text.Length == 0)
        {
            problems.Check(!required, field, "required", $"{field} is required.");
            return required ? null : "";
        }
        // Combining marks can stack without end on one visible character, so code units are capped too (generously:
        // an emoji family or a flag takes several).
        if (new StringInfo(text).LengthInTextElements > maxLength || text.Length > maxLength * 4)
        {
            problems.Add(field, "too_long", $"{field} is {maxLength} characters at most.");
            return null;
        }
        return text;
    }

    /// <summary>
    /// An Idempotency-Key: 1 to 255 visible ASCII characters. Keys are compared byte for byte, so anything a proxy or
    /// a client library could rewrite (spaces, non-ASCII) is refused rather than silently made a different key.
    /// </summary>
    public static bool IsIdempotencyKey(string? key) =>
        key is { Length: > 0 and <= Limits.MaxIdempotencyKeyLength } && key.All(c => c is > ' ' and <= '~');

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
        }
        return true;
    }

    private static Rune? FirstForbidden(string text, bool multiline)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == '\n' && multiline) continue;
            // The zero-width joiner and non-joiner are format characters that writing needs: Persian and Indic
            // spellings, and emoji sequences. Every other format character (bidi overrides, zero-width spaces) can
            // only disguise text, so it is refused.
            if (rune.Value is 0x200C or 0x200D) continue;
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate
                || IsNoncharacter(rune.Value))
                return rune;
        }
        return null;
    }

    // U+FDD0..U+FDEF and the last two code points of every plane are permanently reserved as non-characters.
    private static bool IsNoncharacter(int value) => value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;
}
