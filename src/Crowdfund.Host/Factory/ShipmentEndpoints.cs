using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Host.Partners;
using Crowdfund.Infrastructure.Factory;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Factory;

/// <summary>One shipment recorded (201) or seen before (200).</summary>
public sealed record ShipmentAnswer(string OrderReference, string Carrier, string TrackingNumber, DateTimeOffset ShippedAt);

/// <summary>A bulk upload recorded whole: how many lines it had, how many shipments are new, how many were known already.</summary>
public sealed record UploadAnswer(int Lines, int Recorded, int Unchanged);

/// <summary>The bounds of one upload: the size of its body and its number of lines.</summary>
internal static class ShipmentUploads
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int MaxLines = 100_000;
}

/// <summary>An upload with more than <see cref="ShipmentUploads.MaxLines"/> lines, found while reading it.</summary>
internal sealed class UploadTooLargeException : Exception;

/// <summary>
/// The partner reports shipments: one JSON object, a JSON array, or a CSV file (<c>text/csv</c>). An upload is
/// recorded whole or not at all, and its answer names every bad line.
/// </summary>
public static class ShipmentEndpoints
{
    public static void MapShipments(this IEndpointRouteBuilder app)
    {
        var partner = app.MapPartnerGroup();
        partner.MapPost("/campaigns/{slug}/shipments", PostAsync).Refuses(Refusal.CampaignNotFound, Refusal.MalformedBody,
            Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed, Refusal.OrderNotFound,
            Refusal.ShipmentConflict);
    }

    private static async Task<Results<Created<ShipmentAnswer>, Ok<ShipmentAnswer>, Ok<UploadAnswer>, ProblemHttpResult>> PostAsync(
        string slug, HttpRequest request, PartnerStore partners, ShipmentStore shipments,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        if (!await StageEndpoints.ManufacturesAsync(request.HttpContext, slug, partners)) return ApiProblems.For(Refusal.CampaignNotFound);
        if (request.ContentLength > ShipmentUploads.MaxBytes) return TooLarge();
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = ShipmentUploads.MaxBytes;

        var problems = new ProblemList();
        List<ShipmentFields>? read;
        var csv = IsType(request, "text/csv");
        try
        {
            if (csv) read = await ShipmentCsv.ReadAsync(request.Body, problems, request.HttpContext.RequestAborted);
            else if (IsType(request, "application/json"))
                read = await ShipmentJson.ReadAsync(request, problems, request.HttpContext.RequestAborted);
            else return ApiProblems.For(Refusal.UnsupportedMediaType);
        }
        catch (System.Text.Json.JsonException)
        {
            return ApiProblems.For(Refusal.MalformedBody);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (UploadTooLargeException)
        {
            return TooLarge();
        }
        if (read is null) return ApiProblems.For(Refusal.MalformedBody);

        var now = time.GetUtcNow();
        var lines = read.Select(fields => fields.Check(now, problems)).ToList();
        if (problems.Items.Count > 0) return ApiProblems.Validation(problems.Items);
        if (lines.Count == 0)
            return ApiProblems.Validation([new Problem("", "empty", "The upload holds no shipment.")]);

        var outcome = await shipments.RecordAsync(slug, lines!, now);
        var single = !csv && read is [{ Where: "" }];
        if (outcome.Refused.Count > 0) return Refused(outcome.Refused, read, single);
        if (!single) return TypedResults.Ok(new UploadAnswer(lines.Count, outcome.Recorded, outcome.Unchanged));
        var line = lines[0]!;
        var answer = new ShipmentAnswer(BatchRows.Reference(line.OrderNumber), line.Carrier, line.TrackingNumber, line.ShippedAt);
        return outcome.Recorded == 1 ? TypedResults.Created((string?)null, answer) : TypedResults.Ok(answer);
    }

    /// <summary>
    /// Lines the orders refuse. A single shipment gets its refusal as such; an upload gets it too when every bad line
    /// has the same one (else validation-failed), with each bad line named.
    /// </summary>
    private static ProblemHttpResult Refused(IReadOnlyList<RefusedLine> refused, List<ShipmentFields> read, bool single)
    {
        if (single) return ApiProblems.For(refused[0].Refusal);
        var errors = refused.Select(r => r.Refusal == Refusal.OrderNotFound
                ? new Problem(read[r.Index].Where + "orderReference", "order_not_found", "No such order in this campaign.")
                : new Problem(read[r.Index].Where + "trackingNumber", "shipment_conflict",
                    "The order has shipped already with another carrier or tracking number."))
            .ToList();
        var kinds = refused.Select(r => r.Refusal).Distinct().ToList();
        return ApiProblems.For(kinds is [var only] ? only : Refusal.ValidationFailed, errors);
    }

    private static ProblemHttpResult TooLarge() => ApiProblems.For(Refusal.BodyTooLarge,
        [new Problem("", "upload_too_large", $"An upload is {ShipmentUploads.MaxBytes / (1024 * 1024)} MB and {ShipmentUploads.MaxLines} lines at most.")]);

    private static bool IsType(HttpRequest request, string type) =>
        request.ContentType?.StartsWith(type, StringComparison.OrdinalIgnoreCase) == true;
}
