namespace Crowdfund.StripeEmulator.Http;

/// <summary>
/// Decodes <c>application/x-www-form-urlencoded</c> bodies and query strings the way Stripe reads them:
/// <c>metadata[campaign]=x</c> nests, <c>expand[]=a</c> and <c>expand[0]=a</c> both make lists.
/// Written here rather than taken from <c>IFormCollection</c> because that one loses the order of the pairs.
/// </summary>
internal static class FormParser
{
    public static FormValue Parse(string encoded)
    {
        var root = FormValue.Object();
        foreach (var pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            Add(root, Segments(key), value);
        }
        return root;
    }

    private static void Add(FormValue root, List<string?> segments, string value)
    {
        var node = root;
        for (var i = 0; i < segments.Count - 1; i++) node = node.ChildObject(segments[i]);
        node.Set(segments[^1], FormValue.Leaf(value));
    }

    /// <summary><c>a[b][]</c> → a, b, null (null appends to a list).</summary>
    private static List<string?> Segments(string key)
    {
        var open = key.IndexOf('[');
        if (open <= 0 || !key.EndsWith(']')) return [key];
        var segments = new List<string?> { key[..open] };
        foreach (var part in key[(open + 1)..^1].Split("]["))
        {
            segments.Add(part.Length == 0 ? null : part);
        }
        return segments;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
