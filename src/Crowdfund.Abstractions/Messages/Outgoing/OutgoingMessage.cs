using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crowdfund.Messages.Outgoing;

/// <summary>
/// The envelope of every message Crowdfund sends out (to the partner manufacturer, to backers): a named type, the
/// version of its data's shape, a unique id that doubles as the idempotency key, when it happened, and the data.
/// The shapes are a contract a partner builds against: a field is only ever added; a change of meaning is a new
/// version. The README's "Messages" section shows each one as JSON.
/// </summary>
public sealed record OutgoingMessage<T>(string Type, int Version, string Id, DateTimeOffset OccurredAt, T Data)
    where T : class;

/// <summary>The one JSON form of outgoing messages: camelCase names, enums by name, ISO 8601 times.</summary>
public static class OutgoingJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize<T>(OutgoingMessage<T> message) where T : class => JsonSerializer.Serialize(message, Options);
}
