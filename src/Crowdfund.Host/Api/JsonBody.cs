using System.Text.Json;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;
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

    public sealed record Read<T>(T? Value, byte[] Raw, ProblemHttpResult? Problem);

    public static async Task<Read<T>> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (request.ContentLength > MaxBytes) return Fail<T>(Refusal.BodyTooLarge);
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Fail<T>(Refusal.UnsupportedMediaType);
        byte[] raw;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            raw = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail<T>(Refusal.BodyTooLarge);
        }
        if (raw.Length > MaxBytes) return Fail<T>(Refusal.BodyTooLarge);
        var json = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(raw, json) is { } value
                ? new Read<T>(value, raw, null)
                : Fail<T>(Refusal.MalformedBody);
        }
        catch (JsonException)
        {
            // Includes strings holding an unpaired surrogate escape, which System.Text.Json refuses to decode.
            return Fail<T>(Refusal.MalformedBody);
        }
    }

    private static Read<T> Fail<T>(Refusal refusal) => new(default, [], ApiProblems.For(refusal));
}
