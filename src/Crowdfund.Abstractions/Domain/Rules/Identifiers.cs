using System.Text.RegularExpressions;

namespace Crowdfund.Domain.Rules;

/// <summary>Campaign slugs and tier ids appear in URLs and grain keys: lower-case letters, digits and dashes only.</summary>
public static partial class Identifiers
{
    public static bool IsValid(string? id) => id is not null && Shape().IsMatch(id);

    // \z, not $: $ also matches before a final newline, which let "evil\n" through.
    [GeneratedRegex(@"\A[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\z")]
    private static partial Regex Shape();
}
