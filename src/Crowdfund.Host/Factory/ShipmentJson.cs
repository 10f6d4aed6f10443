using System.IO.Pipelines;
using System.Text.Json;
using Crowdfund.Domain.Rules;

namespace Crowdfund.Host.Factory;

/// <summary>
/// Reads shipments from JSON: one object, or an array of them read element by element as the body arrives, so that the
/// raw upload is never held whole. Fields are read by hand so that a wrong type ("trackingNumber": 42) is a named
/// problem of its line rather than a refusal of the whole body.
/// </summary>
internal static class ShipmentJson
{
    /// <summary>The lines, with each problem of shape added; null when the body is not one object or one array.</summary>
    public static async Task<List<ShipmentFields>?> ReadAsync(HttpRequest request, ProblemList problems, CancellationToken cancellationToken)
    {
        switch (await FirstByteAsync(request.BodyReader, cancellationToken))
        {
            case (byte)'{':
                var one = await JsonSerializer.DeserializeAsync<JsonElement>(request.BodyReader.AsStream(), cancellationToken: cancellationToken);
                return [Fields(one, "", problems)];
            case (byte)'[':
                var lines = new List<ShipmentFields>();
                await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(request.BodyReader.AsStream(),
                                   cancellationToken: cancellationToken))
                {
                    if (lines.Count == ShipmentUploads.MaxLines) throw new UploadTooLargeException();
                    lines.Add(Fields(element, $"lines[{lines.Count}].", problems));
                }
                return lines;
            default:
                return null;
        }
    }

    private static ShipmentFields Fields(JsonElement element, string where, ProblemList problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(where.TrimEnd('.'), "object_expected", "Each shipment is a JSON object.");
            return new ShipmentFields(where, null, null, null, null);
        }
        string? Text(string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            problems.Add(where + name, "string_expected", $"{name} is a JSON string.");
            return null;
        }
        return new ShipmentFields(where, Text("orderReference"), Text("carrier"), Text("trackingNumber"), Text("shippedAt"));
    }

    /// <summary>The body's first byte that is not white space, left unread; 0 for an empty body.</summary>
    private static async Task<byte> FirstByteAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var position = buffer.Start;
            var consumed = buffer.Start;
            while (buffer.TryGet(ref position, out var memory))
            {
                foreach (var b in memory.Span)
                {
                    // A UTF-8 byte order mark is skipped too: the JSON reader skips it itself.
                    if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF) continue;
                    // Nothing consumed: the JSON reader starts at the body's beginning.
                    reader.AdvanceTo(consumed, buffer.Start);
                    return b;
                }
            }
            reader.AdvanceTo(consumed, buffer.End);
            if (read.IsCompleted) return 0;
        }
    }
}
