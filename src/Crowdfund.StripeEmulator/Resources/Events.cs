using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class EventRecord : StripeRecord
{
    public required string Type { get; init; }

    public required string ObjectId { get; init; }

    /// <summary>The event exactly as delivered and served: rendered once, so every delivery carries the same bytes.</summary>
    public required string Json { get; init; }
}

/// <summary><c>/v1/events</c>: every event the emulator recorded, newest first, filtered by <c>type</c> (with <c>*</c>) or <c>types[]</c>.</summary>
internal static class Events
{
    public static void Map(StripeApi api)
    {
        api.Get("/v1/events", List);
        api.Get("/v1/events/{id}", request =>
            request.Store.EventsById.TryGetValue(request.Route("id"), out var record)
                ? Render(record)
                : throw StripeErrors.ResourceMissing("event", request.Route("id")));
    }

    public static JsonObject Render(EventRecord record) => JsonNode.Parse(record.Json)!.AsObject();

    /// <summary>Records an event with a snapshot of its object and hands it to webhook delivery, in creation order.</summary>
    public static void Record(Operation operation, string type, JsonObject data, JsonObject? previousAttributes)
    {
        var emulator = operation.Emulator;
        var body = new JsonObject { ["object"] = data.DeepClone() };
        if (previousAttributes is not null) body["previous_attributes"] = previousAttributes.DeepClone();
        var id = Ids.New("evt");
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = emulator.ApiVersion,
            ["created"] = operation.Now,
            ["data"] = body,
            ["livemode"] = false,
            ["pending_webhooks"] = emulator.Webhooks.EndpointsFor(type),
            ["request"] = new JsonObject { ["id"] = operation.RequestId, ["idempotency_key"] = operation.IdempotencyKey },
            ["type"] = type,
        };
        var record = new EventRecord
        {
            Id = id,
            Created = operation.Now,
            Seq = operation.NextSeq(),
            Type = type,
            ObjectId = data["id"]?.GetValue<string>() ?? "",
            Json = Http.Json.Write(json),
        };
        operation.Store.Events.Add(record);
        operation.Store.EventsById[id] = record;
        emulator.Webhooks.Publish(record);
    }

    private static JsonNode List(ApiRequest request)
    {
        var types = request.Strings("types") ?? [];
        if (request.Str("type") is { } type) types.Add(type);
        var events = request.Store.Events.Where(e => types.Count == 0 || types.Any(t => Matches(t, e.Type)));
        return Lists.Page(request, events, "/v1/events", Render);
    }

    /// <summary>Stripe's filter: an exact type, or a prefix ending in <c>*</c> such as <c>charge.dispute.*</c>.</summary>
    public static bool Matches(string filter, string type) =>
        filter == "*" || filter == type || (filter.EndsWith('*') && type.StartsWith(filter[..^1], StringComparison.Ordinal));
}
