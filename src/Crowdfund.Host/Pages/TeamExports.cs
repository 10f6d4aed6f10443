using Crowdfund.Domain.Rules;
using Crowdfund.Infrastructure.Pages;
using CsvHelper;

namespace Crowdfund.Host.Pages;

/// <summary>
/// The team's exports: pledges and backers, of one country or all, as CSV (RFC 4180, UTF-8, amounts in minor units).
/// They hold names, emails and addresses: team-only, never cached, and nothing of them is logged.
/// </summary>
internal static class TeamExports
{
    public static void Map(RouteGroupBuilder team)
    {
        team.MapGet("/c/{slug}/pledges.csv", (string slug, string? country, HttpContext context, PagesStore store) =>
            Csv(context, slug, country, "pledges", store.ExportPledgesAsync(slug, country?.ToUpperInvariant(), context.RequestAborted), PledgeCsvRow.Of));
        team.MapGet("/c/{slug}/backers.csv", (string slug, string? country, HttpContext context, PagesStore store) =>
            Csv(context, slug, country, "backers", store.ExportBackersAsync(slug, country?.ToUpperInvariant(), context.RequestAborted), BackerCsvRow.Of));
    }

    private static async Task<IResult> Csv<TRow, TCsv>(HttpContext context, string slug, string? country, string what,
        IAsyncEnumerable<TRow> rows, Func<TRow, TCsv> map)
    {
        if (!Identifiers.IsValid(slug) || country is not null && PledgeInputRules.CountryCode(country) is null)
            return Results.Problem(statusCode: 400, title: "The campaign or country is not valid.", type: "urn:crowdfund:problem:bad-request");
        var response = context.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition = $"attachment; filename=\"{slug}-{what}{(country is null ? "" : "-" + country.ToUpperInvariant())}.csv\"";
        await using var csv = CsvWriter.Create(response.Body, CsvWriterOptions.Default, leaveOpen: true);
        await csv.WriteRecordsAsync(rows.Select(map), context.RequestAborted);
        return Results.Empty;
    }
}

[CsvRecord]
internal sealed partial record PledgeCsvRow(
    [CsvColumn("pledge_id")] Guid PledgeId,
    [CsvColumn("country")] string Country,
    [CsvColumn("tier")] string Tier,
    [CsvColumn("quantity")] int Quantity,
    [CsvColumn("units")] int Units,
    [CsvColumn("status")] string Status,
    [CsvColumn("currency")] string Currency,
    [CsvColumn("subtotal")] long Subtotal,
    [CsvColumn("shipping")] long Shipping,
    [CsvColumn("tax")] long Tax,
    [CsvColumn("total")] long Total,
    [CsvColumn("name")] string Name,
    [CsvColumn("email")] string Email,
    [CsvColumn("address_line1")] string? Line1,
    [CsvColumn("address_line2")] string? Line2,
    [CsvColumn("city")] string? City,
    [CsvColumn("region")] string? Region,
    [CsvColumn("postal_code")] string? PostalCode,
    [CsvColumn("locale")] string Locale,
    [CsvColumn("created_at")] DateTime CreatedAt,
    [CsvColumn("confirmed_at")] DateTime? ConfirmedAt)
{
    public static PledgeCsvRow Of(PledgeExportRow p) => new(p.Id, p.Country, p.TierId, p.Quantity, p.Units, p.Status, p.Currency,
        p.Subtotal, p.Shipping, p.Tax, p.Total, p.BackerName, p.BackerEmail, p.Line1, p.Line2, p.City, p.Region, p.PostalCode,
        p.Locale, p.CreatedAt, p.ConfirmedAt);
}

[CsvRecord]
internal sealed partial record BackerCsvRow(
    [CsvColumn("country")] string Country,
    [CsvColumn("email")] string Email,
    [CsvColumn("name")] string Name,
    [CsvColumn("locale")] string Locale,
    [CsvColumn("pledges")] long Pledges,
    [CsvColumn("counting_units")] long CountingUnits,
    [CsvColumn("first_pledge_at")] DateTime FirstPledgeAt)
{
    public static BackerCsvRow Of(BackerExportRow b) => new(b.Country, b.BackerEmail, b.BackerName, b.Locale, b.Pledges,
        b.CountingUnits, b.FirstPledgeAt);
}
