using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crowdfund.StripeEmulator.Http;

/// <summary>Small helpers for building Stripe's JSON.</summary>
internal static class Json
{
    /// <summary>Indented like Stripe's answers; non-ASCII text is kept as is rather than escaped.</summary>
    public static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(JsonNode node) => node.ToJsonString(Output);

    public static JsonObject Map(IReadOnlyDictionary<string, string> values)
    {
        var map = new JsonObject();
        foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal)) map[key] = value;
        return map;
    }

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)JsonValue.Create(value)).ToArray());

    /// <summary>The top-level fields of <paramref name="before"/> that differ in <paramref name="after"/>: an event's <c>previous_attributes</c>.</summary>
    public static JsonObject Changed(JsonObject before, JsonObject after)
    {
        var changed = new JsonObject();
        foreach (var (name, old) in before)
        {
            if (!JsonNode.DeepEquals(old, after[name])) changed[name] = old?.DeepClone();
        }
        return changed;
    }
}
