using System.Text;
using System.Text.Json.Nodes;
using Crowdfund.Infrastructure.Fulfilment;
using Crowdfund.Messages;
using Crowdfund.Messages.Fulfilment;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Tests.Readme;

namespace Crowdfund.Infrastructure.Tests.Fulfilment;

/// <summary>The partner builds against the batch the README shows; the webhook's body must be exactly that JSON.</summary>
public sealed class BatchMessageTests
{
    private static readonly DateTimeOffset Frozen = new(2027, 1, 3, 6, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_batch_webhook_is_the_documented_json()
    {
        var produced = await WriteAsync((stream, orders) => BatchDocuments.WriteMessageAsync(stream, Header(), orders, default));

        Assert.That(Readme.MatchesExample(produced, OrderBatchV1.Type), Is.True,
            $"produced:\n{produced}\ndocumented:\n{Readme.Example(OrderBatchV1.Type)}");
    }

    [Test]
    public async Task The_pull_api_answers_the_messages_data_with_where_the_batch_stands()
    {
        var delivered = Frozen.AddMinutes(1);
        var header = Header() with { Status = BatchStatus.Delivered, DeliveredAt = delivered };
        var pulled = JsonNode.Parse(
            await WriteAsync((stream, orders) => BatchDocuments.WriteJsonAsync(stream, header, orders, default)))!.AsObject();

        Assert.That((pulled["status"]!.GetValue<string>(), pulled["deliveredAt"]!.GetValue<DateTimeOffset>(), pulled["acknowledgedAt"]),
            Is.EqualTo(("Delivered", delivered, (JsonNode?)null)));
        foreach (var name in new[] { "status", "deliveredAt", "acknowledgedAt" }) pulled.Remove(name);
        Assert.That(JsonNode.DeepEquals(pulled, Readme.Example(OrderBatchV1.Type)["data"]), Is.True,
            "the rest is the webhook's data");
    }

    private static BatchHeader Header() => new("retro-phone-de-0001", "retro-phone", "acme-telecom", "DE", 1, 2,
        new SortedDictionary<string, int> { ["RETRO-PHONE"] = 2, ["RETRO-WALNUT-LTD"] = 1 }, BatchStatus.Created, Frozen,
        null, null, 1);

    private static async IAsyncEnumerable<OrderRow> Orders()
    {
        await Task.Yield();
        yield return new OrderRow("CF-0000042", "DE", "Anna Schmidt", new ShippingAddress("Unter den Linden 1", null, "Berlin", null, "10117"),
            [new OrderLine("RETRO-PHONE", 2, [])]);
        yield return new OrderRow("CF-0000057", "DE", "Jonas Weber",
            new ShippingAddress("Hauptstraße 5", "Hinterhaus, 2. OG", "München", "BY", "80331"),
            [new OrderLine("RETRO-WALNUT-LTD", 1, [17])]);
    }

    private static async Task<string> WriteAsync(Func<Stream, IAsyncEnumerable<OrderRow>, Task> write)
    {
        using var stream = new MemoryStream();
        await write(stream, Orders());
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
