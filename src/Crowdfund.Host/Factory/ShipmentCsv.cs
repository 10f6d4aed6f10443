using Crowdfund.Domain.Rules;
using CsvHelper;

namespace Crowdfund.Host.Factory;

/// <summary>
/// Reads shipments from a CSV upload with a header row (orderReference, carrier, trackingNumber, shippedAt; any case,
/// underscores and spaces ignored, so order_reference is orderReference), record by record as the body arrives. Each
/// line is named as a person counts the lines of the file: the header is line 1.
/// </summary>
internal static class ShipmentCsv
{
    private static readonly string[] Columns = ["orderReference", "carrier", "trackingNumber", "shippedAt"];

    private static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        NormalizeHeaderName = name => name.Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal),
        // A shipment line is short; an unclosed quote must not make the reader buffer the whole upload.
        MaxRecordSize = 64 * 1024,
        IncludeValuesInExceptions = false,
    };

    public static async Task<List<ShipmentFields>> ReadAsync(Stream body, ProblemList problems, CancellationToken cancellationToken)
    {
        var lines = new List<ShipmentFields>();
        await using var csv = CsvReader.Create(body, Options, leaveOpen: true);
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            var headers = csv.Headers.Select(h => Options.NormalizeHeaderName!(h)).ToList();
            var index = Columns.Select(c => headers.FindIndex(h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase))).ToArray();
            for (var i = 0; i < Columns.Length; i++)
                problems.Check(index[i] >= 0, "line 1", "column_missing", $"The header row has no {Columns[i]} column.");
            if (index.Any(i => i < 0)) return lines;
            while (await csv.ReadAsync(cancellationToken))
            {
                if (lines.Count == ShipmentUploads.MaxLines) throw new UploadTooLargeException();
                string? Field(int column) => index[column] < csv.FieldCount ? csv.GetString(index[column]) : null;
                lines.Add(new ShipmentFields($"line {csv.LineNumber}.", Field(0), Field(1), Field(2), Field(3)));
            }
        }
        catch (CsvFormatException e)
        {
            // Its message names no value (IncludeValuesInExceptions is off), only what is wrong.
            problems.Add(e.LineNumber > 0 ? $"line {e.LineNumber}" : "", "csv_invalid", "The CSV is malformed here: " + e.Message);
        }
        return lines;
    }
}
