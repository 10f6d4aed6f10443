using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Npgsql;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>The outbox to the backer's inbox, through a real SMTP server on loopback: every message once, whatever fails.</summary>
public sealed class DispatcherTests
{
    private static readonly DateTimeOffset FixBy = new(2026, 12, 8, 17, 0, 0, TimeSpan.Zero);

    private static readonly (string Locale, string Country, string Currency, string Amount)[] Backers =
    [
        ("fr-FR", "FR", "EUR", "1\u202F234,56 €"),
        ("de-DE", "DE", "EUR", "1.234,56 €"),
        ("es-ES", "ES", "EUR", "1.234,56 €"),
        ("en-US", "US", "USD", "$1,234.56"),
        ("en-CA", "CA", "CAD", "$1,234.56"),
        ("fr-CA", "CA", "CAD", "1\u00A0234,56 $"),
    ];

    // A fresh server and campaign per test; the database is the mail tests' own.
    private NpgsqlDataSource db = null!;
    private MailServer server = null!;
    private string campaign = "";

    [SetUp]
    public async Task StartAsync()
    {
        db = await MessagingDatabase.DataSourceAsync();
        server = MailServer.Start();
        campaign = await BackerRows.CampaignAsync(db);
    }

    [TearDown]
    public void Stop() => server.Dispose();

    [Test]
    public async Task Every_kind_in_every_language_reaches_its_backer_once_in_their_language_with_the_amount_formatted()
    {
        var sent = new List<(string MessageId, TestPledge Pledge, BackerMessageKind Kind, string Amount)>();
        foreach (var backer in Backers)
        {
            foreach (var kind in Enum.GetValues<BackerMessageKind>())
            {
                var pledge = await BackerRows.PledgeAsync(db, campaign, backer.Locale, backer.Country, backer.Currency,
                    status: kind is BackerMessageKind.PaymentFailed or BackerMessageKind.ActionRequired ? Enum.Parse<PledgeStatus>(kind.ToString()) : PledgeStatus.Confirmed);
                var id = await BackerRows.OutboxAsync(db, Message(kind, pledge, backer.Currency));
                sent.Add((id, pledge, kind, backer.Amount));
            }
        }

        using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Smtp(server));
        await server.ArrivedAsync(sent.Select(s => s.MessageId), "every message arrives");
        await dispatcher.StopAsync();

        Assert.That(server.CountsOf(sent.Select(s => s.MessageId)).Values, Is.All.EqualTo(1), "each once");
        var received = server.Received.GroupBy(m => m.MessageId ?? "").ToDictionary(g => g.Key, g => g.First());
        foreach (var (messageId, pledge, kind, amount) in sent)
        {
            var mail = received[messageId];
            var language = pledge.Locale[..2];
            Assert.That(mail.Subject, Is.EqualTo(Subjects.ByLanguage[language][kind]), $"{kind} in {pledge.Locale}");
            Assert.That(mail.Body!.Headers[HeaderId.ContentLanguage], Is.EqualTo(language));
            Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo(pledge.Email));
            Assert.That(mail.To.Mailboxes.Single().Name, Is.EqualTo("Zoë Ångström"));
            Assert.That(mail.From.Mailboxes.Single().Address, Is.EqualTo("mail@crowdfund.test"));
            Assert.That(mail.TextBody, Does.Contain(kind switch
            {
                BackerMessageKind.Refunded => Refund(pledge.Locale),
                BackerMessageKind.Shipped => ShippedTracking,
                _ => amount,
            }), $"{kind} in {pledge.Locale}");
        }
        var german = received[sent.Single(s => s.Pledge.Locale == "de-DE" && s.Kind == BackerMessageKind.PaymentFailed).MessageId];
        Assert.That(german.TextBody, Does.Contain("Wir wollten 1.234,56 € für Ihre Unterstützung von Retro Phone abbuchen, aber die Zahlung wurde abgelehnt. Ihre Bank meldet eine unzureichende Deckung."));
        Assert.That(german.TextBody, Does.Contain("Bitte aktualisieren Sie Ihre Karte bis Dienstag, 8. Dezember 2026 um 18:00 (UTC+01:00)"));
        Assert.That(german.TextBody, Does.Contain("https://pledge.crowdfund.test/pledges/"));
        Assert.That(await PendingAsync(sent.Select(s => s.Pledge.Id)), Is.Zero, "every row marked dispatched");
    }

    [Test]
    public async Task Mail_waits_while_the_smtp_server_is_down_and_each_message_arrives_once_when_it_is_back()
    {
        var logs = new RecordingLogs();
        using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Smtp(server), logs);
        var first = await QueueAsync(5);
        await Eventually.Until(() => Task.FromResult(server.CountsOf(first.Ids).Values.All(c => c == 1)), "the first five arrive");

        server.Down();
        var during = await QueueAsync(20);
        await Eventually.Until(async () => await TriedAsync(during.Pledges) >= 3, "deliveries are tried while the server is down");
        server.Up();

        var all = first.Ids.Concat(during.Ids).ToList();
        await server.ArrivedAsync(all, "every message arrives once the server is back");
        await Eventually.Until(async () => await PendingAsync(during.Pledges) == 0, "every row is marked");
        await dispatcher.StopAsync();
        Assert.That(server.CountsOf(all).Values, Is.All.EqualTo(1), "none lost, none twice");
        Assert.That(logs.Lines, Has.Some.Contain("failed with network ConnectionRefused"), "the outage is logged");
        var personal = during.Pledges.SelectMany(p => new[] { p.Email, p.Name, "@example.org" });
        Assert.That(logs.Lines.Where(l => personal.Any(l.Contains)), Is.Empty, "no address or name in any log line");
    }

    [Test]
    public async Task A_dispatcher_stopped_mid_run_and_the_next_one_deliver_each_message_once()
    {
        var queued = await QueueAsync(60);
        // The quick settings' 2-second attempt would, on a loaded machine, time out a send the server had taken and
        // send it again: the window the dispatcher documents for a lost answer, not what a stop may do.
        var settings = new Dictionary<string, string?>(Dispatchers.Smtp(server))
        {
            ["Crowdfund:Outbox:AttemptTimeout"] = "00:00:15",
            ["Crowdfund:Outbox:Lease"] = "00:02:00",
        };

        using (var stopped = await Dispatchers.StartAsync(settings))
        {
            await Eventually.Until(() => Task.FromResult(server.CountsOf(queued.Ids).Values.Sum() >= 5), "the first dispatcher is under way");
            await stopped.StopAsync();
        }
        var byFirst = server.CountsOf(queued.Ids).Values.Sum();
        using var next = await Dispatchers.StartAsync(settings);
        await server.ArrivedAsync(queued.Ids, "the next dispatcher sends the rest");
        await next.StopAsync();

        Assert.That(byFirst, Is.LessThan(60), "the first was stopped before the end");
        Assert.That(server.CountsOf(queued.Ids).Values, Is.All.EqualTo(1));
        Assert.That(await PendingAsync(queued.Pledges), Is.Zero);
    }

    [Test]
    public async Task Rows_claimed_by_a_dispatcher_that_died_are_sent_once_its_lease_ends()
    {
        var queued = await QueueAsync(10);
        // What a dispatcher that died after its claim leaves behind: rows claimed for a while, never tried.
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                UPDATE outbox SET claimed_until = now() + interval '2 seconds' WHERE key LIKE ANY(@keys)
                """, new { keys = queued.Pledges.Select(p => $"{p.Id}:%").ToArray() });
        }

        using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Smtp(server));
        await server.ArrivedAsync(queued.Ids, "the rows are sent after the lease");
        await dispatcher.StopAsync();

        Assert.That(server.CountsOf(queued.Ids).Values, Is.All.EqualTo(1));
    }

    [Test]
    public async Task Two_dispatchers_on_one_database_deliver_each_message_once()
    {
        var queued = await QueueAsync(80);

        var hosts = await Task.WhenAll(Dispatchers.StartAsync(Dispatchers.Smtp(server)), Dispatchers.StartAsync(Dispatchers.Smtp(server)));
        await server.ArrivedAsync(queued.Ids, "every message arrives");
        await Task.WhenAll(hosts.Select(h => h.StopAsync()));
        foreach (var host in hosts) host.Dispose();

        Assert.That(server.CountsOf(queued.Ids).Values, Is.All.EqualTo(1));
        Assert.That(await PendingAsync(queued.Pledges), Is.Zero);
    }

    [Test]
    public async Task A_row_that_cannot_be_sent_is_parked_with_its_reason_and_the_others_go_through()
    {
        var before = await QueueAsync(3);
        var ghost = Guid.NewGuid();
        await BackerRows.OutboxAsync(db, new BackerMessageV1(BackerMessageKind.PledgeConfirmed, ghost, campaign));
        var nowhere = await BackerRows.PledgeAsync(db, campaign, "fr-FR", "FR", "EUR");
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE pledges SET backer_email = 'no address' WHERE id = @Id", nowhere);
        await BackerRows.OutboxAsync(db, new BackerMessageV1(BackerMessageKind.PledgeConfirmed, nowhere.Id, campaign));
        var after = await QueueAsync(3);

        using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Smtp(server));
        var good = before.Ids.Concat(after.Ids).ToList();
        await server.ArrivedAsync(good, "the good rows arrive");
        await Eventually.Until(async () => (await BackerRows.StateAsync(db, nowhere.Id.ToString())).Parked == true, "the bad address is parked");
        await dispatcher.StopAsync();

        Assert.That(server.CountsOf(good).Values, Is.All.EqualTo(1));
        Assert.That(await BackerRows.StateAsync(db, ghost.ToString()), Is.EqualTo(new OutboxState(false, 1, "no such pledge", true)));
        Assert.That(await BackerRows.StateAsync(db, nowhere.Id.ToString()), Is.EqualTo(new OutboxState(false, 1, "the backer's address cannot be used", true)));
    }

    [Test]
    public async Task A_message_sent_again_after_a_crash_before_its_mark_is_the_same_mail()
    {
        var queued = await QueueAsync(1);
        using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Smtp(server));
        await Eventually.Until(async () => await PendingAsync(queued.Pledges) == 0, "sent and marked");

        // The window no transaction can close: the server took the message, the mark never committed.
        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE outbox SET dispatched_at = NULL WHERE key LIKE @key", new { key = $"{queued.Pledges[0].Id}:%" });
        await Eventually.Until(async () => await PendingAsync(queued.Pledges) == 0, "sent again");
        await dispatcher.StopAsync();

        var copies = server.Received.Where(m => m.MessageId == queued.Ids[0]).ToList();
        Assert.That(copies, Has.Count.EqualTo(2));
        Assert.That(copies[1].Date, Is.EqualTo(copies[0].Date));
        Assert.That(copies[1].TextBody, Is.EqualTo(copies[0].TextBody), "same Message-ID, same date, same text: recognisable downstream");
    }

    [Test]
    public async Task A_request_to_fix_a_charge_that_was_fixed_meanwhile_is_not_sent()
    {
        var collected = await BackerRows.PledgeAsync(db, campaign, "es-ES", "ES", "EUR", status: PledgeStatus.Collected);
        var stale = await BackerRows.OutboxAsync(db, Message(BackerMessageKind.ActionRequired, collected, "EUR"));
        var news = await BackerRows.OutboxAsync(db, Message(BackerMessageKind.PaymentCollected, collected, "EUR"));

        using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Smtp(server));
        await Eventually.Until(async () => await PendingAsync([collected.Id]) == 0, "both rows are done");
        await dispatcher.StopAsync();

        Assert.That(server.CountsOf([stale, news]), Is.EqualTo(new Dictionary<string, int> { [stale] = 0, [news] = 1 }));
    }

    [Test]
    public void A_request_to_fix_a_charge_is_outdated_once_the_pledge_moved_on()
    {
        Assert.That(BackerMessageHandler.Outdated(BackerMessageKind.ActionRequired, PledgeStatus.ActionRequired), Is.False);
        Assert.That(BackerMessageHandler.Outdated(BackerMessageKind.PaymentFailed, PledgeStatus.ActionRequired), Is.False);
        Assert.That(BackerMessageHandler.Outdated(BackerMessageKind.PaymentFailed, PledgeStatus.Collected), Is.True);
        Assert.That(BackerMessageHandler.Outdated(BackerMessageKind.ActionRequired, PledgeStatus.Dropped), Is.True);
        Assert.That(BackerMessageHandler.Outdated(BackerMessageKind.PaymentCollected, PledgeStatus.Refunded), Is.False, "news of what happened stays true");
    }

    private const string ShippedTracking = "JD014600003SE";

    private static BackerMessageV1 Message(BackerMessageKind kind, TestPledge pledge, string currency) => kind switch
    {
        BackerMessageKind.PaymentCollected => new(kind, pledge.Id, "c", pledge.Total, currency),
        BackerMessageKind.Refunded => new(kind, pledge.Id, "c", 50000, currency),
        BackerMessageKind.PaymentFailed => new(kind, pledge.Id, "c", pledge.Total, currency, "insufficient_funds", FixBy),
        BackerMessageKind.ActionRequired => new(kind, pledge.Id, "c", pledge.Total, currency, FixBy: FixBy),
        BackerMessageKind.Shipped => new(kind, pledge.Id, "c", OrderReference: "CF-0000042", Carrier: "DHL",
            TrackingNumber: ShippedTracking, ShippedAt: FixBy),
        _ => new(kind, pledge.Id, "c"),
    };

    private static string Refund(string locale) => locale switch
    {
        "fr-FR" or "de-DE" or "es-ES" => "500,00 €",
        "fr-CA" => "500,00 $",
        _ => "$500.00",
    };

    /// <summary>Confirmation messages for <paramref name="count"/> new pledges of the campaign.</summary>
    private async Task<(List<TestPledge> Pledges, List<string> Ids)> QueueAsync(int count)
    {
        var pledges = new List<TestPledge>();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var pledge = await BackerRows.PledgeAsync(db, campaign, "en-US", "US", "USD");
            pledges.Add(pledge);
            ids.Add(await BackerRows.OutboxAsync(db, new BackerMessageV1(BackerMessageKind.PledgeConfirmed, pledge.Id, campaign)));
        }
        return (pledges, ids);
    }

    private async Task<int> PendingAsync(IEnumerable<TestPledge> pledges) => await PendingAsync(pledges.Select(p => p.Id));

    private async Task<int> PendingAsync(IEnumerable<Guid> pledges)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM outbox WHERE dispatched_at IS NULL AND split_part(key, ':', 1) = ANY(@ids)
            """, new { ids = pledges.Select(p => p.ToString()).ToArray() });
    }

    /// <summary>Rows that met the outage: failed (counted) or held back by the open circuit (not counted), both with their reason.</summary>
    private async Task<int> TriedAsync(IEnumerable<TestPledge> pledges)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM outbox WHERE last_error IS NOT NULL AND split_part(key, ':', 1) = ANY(@ids)
            """, new { ids = pledges.Select(p => p.Id.ToString()).ToArray() });
    }
}
