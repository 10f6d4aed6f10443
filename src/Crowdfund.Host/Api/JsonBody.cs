using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Api;

/// <summary>
/// Reads a JSON body by hand, so that a malformed or oversized body is a problem+json like any other refusal,
/// and so that the raw bytes are at hand for the idempotency check.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 16 * 1024;

    public sealed record Read<T>(T? Value, byte[] Raw, IResult? Problem);

    public static async Task<Read<T>> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (request.ContentLength > MaxBytes) return Fail<T>(TooLarge());
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Fail<T>(ApiProblems.Of(415, "unsupported-media-type", "Send the body as application/json."));
        byte[] raw;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            raw = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail<T>(TooLarge());
        }
        if (raw.Length > MaxBytes) return Fail<T>(TooLarge());
        var json = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(raw, json) is { } value
                ? new Read<T>(value, raw, null)
                : Fail<T>(Malformed());
        }
        catch (JsonException)
        {
            return Fail<T>(Malformed());
        }
    }

    private static Read<T> Fail<T>(IResult problem) => new(default, [], problem);

    private static IResult TooLarge() => ApiProblems.Of(413, "body-too-large", $"The body is larger than {MaxBytes} bytes.");

    private static IResult Malformed() => ApiProblems.Of(400, "malformed-body", "The body is not the JSON this endpoint expects.");
}
