using System.Text;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Crowdfund.Host.Partners;

/// <summary>A page of batches; <paramref name="Next"/> is the cursor of the following page, or null on the last.</summary>
public sealed record BatchPage(IReadOnlyList<BatchHeader> Items, string? Next);

/// <summary>The partner pulls its batches (JSON or CSV) and acknowledges them.</summary>
public static class BatchEndpoints
{
    public const int DefaultPage = 50;

    public static void MapPartnerBatches(this IEndpointRouteBuilder app)
    {
        var partner = app.MapPartnerGroup();
        partner.MapRead("/batches", ListAsync).Refuses(Refusal.BadRequest);
        partner.MapRead("/batches/{id}", GetAsync).Produces(200, contentType: "application/json", additionalContentTypes: "text/csv")
            .Refuses(Refusal.BatchNotFound);
        partner.MapPost("/batches/{id}/ack", AcknowledgeAsync).Refuses(Refusal.BatchNotFound);
    }

    private static async Task<Results<Ok<BatchPage>, ProblemHttpResult>> ListAsync(HttpContext context, BatchStore batches,
        string? status = null, string? cursor = null, int? limit = null)
    {
        BatchStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<BatchStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return ApiProblems.Validation([new Domain.Problem("status", "status_invalid", "status is created, delivered or acknowledged.")]);
            wanted = parsed;
        }
        if (limit is < 1 or > BatchStore.MaxPage)
            return ApiProblems.Validation([new Domain.Problem("limit", "out_of_range", $"limit is between 1 and {BatchStore.MaxPage}.")]);
        string? after = null;
        if (cursor is not null && (after = Cursor.Read(cursor)) is null)
            return ApiProblems.Validation([new Domain.Problem("cursor", "cursor_invalid", "cursor is the next value of a previous page.")]);
        var size = limit ?? DefaultPage;
        // One more than asked tells whether a next page exists without counting.
        var items = await batches.ListAsync(PartnerCaller.Of(context).PartnerId, wanted, after, size + 1);
        var page = items.Take(size).ToList();
        return TypedResults.Ok(new BatchPage(page, items.Count > size ? Cursor.Write(page[^1].Id) : null));
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> GetAsync(string id, HttpContext context,
        BatchStore batches, TimeProvider time)
    {
        if (await batches.GetAsync(PartnerCaller.Of(context).PartnerId, id, time.GetUtcNow()) is not { } header)
            return ApiProblems.For(Refusal.BatchNotFound);
        var csv = WantsCsv(context.Request);
        var response = context.Response;
        response.ContentType = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        if (csv) response.Headers.ContentDisposition = $"attachment; filename=\"{header.Id}.csv\"";
        if (HttpMethods.IsHead(context.Request.Method)) return TypedResults.Empty;
        // Streamed: the orders go out as they are read, so that a batch of any size holds no more than a page in memory.
        await using var connection = await batches.OpenAsync(context.RequestAborted);
        var orders = BatchRows.OrdersAsync(connection, header.Id, context.RequestAborted);
        if (csv) await BatchCsv.WriteAsync(response.Body, header, orders, context.RequestAborted);
        else await BatchDocuments.WriteJsonAsync(response.Body, header, orders, context.RequestAborted);
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<BatchHeader>, ProblemHttpResult>> AcknowledgeAsync(string id, HttpContext context,
        BatchStore batches, TimeProvider time) =>
        await batches.AcknowledgeAsync(PartnerCaller.Of(context).PartnerId, id, time.GetUtcNow()) is { } header
            ? TypedResults.Ok(header)
            : ApiProblems.For(Refusal.BatchNotFound);

    private static bool WantsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Where(a => a.Quality is null or > 0).OrderByDescending(a => a.Quality ?? 1)
            .FirstOrDefault(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)
                                 || a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            is { } best && best.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>An opaque cursor: the last batch id of the page, so that a page never skips or repeats a batch.</summary>
    private static class Cursor
    {
        public static string Write(string batchId) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(batchId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static string? Read(string cursor)
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            try
            {
                var id = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
                return id.Length <= 100 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') ? id : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
