using System.Globalization;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Messages.Fulfilment;
using CsvHelper;

namespace Crowdfund.Host.Partners;

/// <summary>
/// A batch as CSV (RFC 4180, UTF-8, a header row), one row per order line with its order's reference, name and address
/// repeated, written as the orders are read from the database, so that memory stays flat whatever the batch's size.
/// The header names are part of the partner's contract.
/// </summary>
public static class BatchCsv
{
    public static readonly string[] Header =
    [
        "batch_id", "order_reference", "country", "backer_name", "address_line1", "address_line2", "postal_code", "city",
        "region", "sku", "quantity", "edition_numbers",
    ];

    public static async Task WriteAsync(Stream stream, BatchHeader header, IAsyncEnumerable<OrderRow> orders,
        CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(stream, CsvWriterOptions.Default, leaveOpen: true);
        csv.WriteHeader(Header);
        var rows = 0;
        var fields = new string[Header.Length];
        await foreach (var order in orders.WithCancellation(cancellationToken))
        {
            var address = order.ShippingAddress;
            foreach (var line in order.Lines)
            {
                fields[0] = header.Id;
                fields[1] = order.Reference;
                fields[2] = order.Country;
                fields[3] = order.BackerName;
                fields[4] = address.Line1;
                fields[5] = address.Line2 ?? "";
                fields[6] = address.PostalCode;
                fields[7] = address.City;
                fields[8] = address.Region ?? "";
                fields[9] = line.Sku;
                fields[10] = line.Quantity.ToString(CultureInfo.InvariantCulture);
                fields[11] = string.Join(' ', line.EditionNumbers);
                csv.WriteRecord(fields);
            }
            if (++rows % 500 == 0) await csv.FlushAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }
}
