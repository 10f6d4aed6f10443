using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Crowdfund.Tests.Readme;

/// <summary>
/// The repository's README, which partners and clients build against: the tests hold the code to what it shows.
/// </summary>
public static partial class Readme
{
    private static readonly Lazy<string> Content = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "README.md"))) directory = directory.Parent;
        return File.ReadAllText(Path.Combine(directory!.FullName, "README.md"));
    });

    public static string Text => Content.Value;

    /// <summary>
    /// The one message example of a type (a ```json block with a <c>type</c> and a <c>data</c>); fails when the README
    /// shows none or several.
    /// </summary>
    public static JsonNode Example(string type) => Examples().Single(e => e["type"]!.GetValue<string>() == type);

    /// <summary>True when the produced JSON and the README's example are the same JSON (key order aside).</summary>
    public static bool MatchesExample(string produced, string type) => JsonNode.DeepEquals(JsonNode.Parse(produced), Example(type));

    private static IEnumerable<JsonNode> Examples() =>
        JsonBlock().Matches(Text).Select(m => JsonNode.Parse(m.Groups[1].Value)!)
            .Where(node => node is JsonObject o && o.ContainsKey("type") && o.ContainsKey("data"));

    [GeneratedRegex(@"```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
