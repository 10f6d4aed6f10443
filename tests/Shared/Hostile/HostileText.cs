using FsCheck;
using FsCheck.Fluent;

namespace Crowdfund.Testing;

/// <summary>
/// Generators of what an attacker or a clumsy client sends as text: pieces of honest text mixed with control and
/// format characters, broken surrogates, stacked combining marks, non-characters and line separators.
/// </summary>
public static class HostileText
{
    private static readonly string[] Pieces =
    [
        "Ada", "Lovelace", "rue de la Paix", "Zoë", "José", "Straße", "東京", "O'Brien", "<script>", "'; DROP TABLE pledges;--",
        " ", "  ", "\t", "\n", "\r\n", "\r", "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u009b",
        "\u200b", "\u200d", "\u200c", "\u202e", "\u2066", "\ufeff", "\u2028", "\u2029", "\ud800", "\udc00", "\ud83d",
        "👩‍👩‍👧", "🇫🇷", "e\u0301", "\u0301\u0301\u0301\u0301", "\u212a", "\ufffe", "\uffff", "\ufdd0", "%00", "\\u0000",
        "١٢٣", "ﬀ", "İ", "\u00a0", "\u3000",
    ];

    public static Gen<string> Strings(int maxPieces = 24) =>
        Gen.Choose(0, maxPieces).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(parts => string.Concat(parts));

    public static Gen<string?> OrNull(Gen<string> strings) =>
        Gen.Frequency((1, Gen.Constant<string?>(null)), (9, strings.Select(s => (string?)s)));
}
