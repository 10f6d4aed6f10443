using Crowdfund.Messages.Outgoing;
using Crowdfund.Testing;
using Dapper;
using Microsoft.Extensions.Hosting;
using MimeKit;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>With no SMTP server configured, mail is written to a folder as .eml files that any mail program opens.</summary>
public sealed class FolderSenderTests
{
    [Test]
    public async Task Without_smtp_each_message_is_one_eml_file_a_mail_reader_opens()
    {
        var db = await MessagingDatabase.DataSourceAsync();
        var folder = Directory.CreateTempSubdirectory("crowdfund-mail-test-").FullName;
        try
        {
            var campaign = await BackerRows.CampaignAsync(db);
            var french = await BackerRows.PledgeAsync(db, campaign, "fr-FR", "FR", "EUR");
            var american = await BackerRows.PledgeAsync(db, campaign, "en-US", "US", "USD");
            var ids = new[]
            {
                await BackerRows.OutboxAsync(db, new BackerMessageV1(BackerMessageKind.CampaignSucceeded, french.Id, campaign)),
                await BackerRows.OutboxAsync(db, new BackerMessageV1(BackerMessageKind.Refunded, american.Id, campaign, 2500, "USD")),
            };
            using var dispatcher = await Dispatchers.StartAsync(Dispatchers.Folder(folder));
            await Eventually.Until(() => Task.FromResult(Directory.GetFiles(folder, "*.eml").Length == 2), "two files");
            var firstWrite = ReadAll(folder);

            // Sent again, as after a crash before the mark: the same file, written over.
            await using (var connection = await db.OpenConnectionAsync())
                await connection.ExecuteAsync("UPDATE outbox SET dispatched_at = NULL WHERE key LIKE @key", new { key = $"{french.Id}:%" });
            await Eventually.Until(async () => await StillPendingAsync(db, french.Id) == 0, "the row is sent again");
            await dispatcher.StopAsync();

            var mails = ReadAll(folder);
            Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(2), "no partial file left, no second copy");
            Assert.That(mails.Keys, Is.EquivalentTo(ids));
            Assert.That(mails[ids[0]].Subject, Is.EqualTo("Retro Phone a atteint son objectif"));
            Assert.That(mails[ids[0]].TextBody, Does.Contain("Votre carte enregistrée sera débitée de 1\u202F234,56 € prochainement."));
            Assert.That(mails[ids[0]].To.Mailboxes.Single().Address, Is.EqualTo(french.Email));
            Assert.That(mails[ids[1]].Subject, Is.EqualTo("Refund of your pledge to Retro Phone"));
            Assert.That(mails[ids[1]].TextBody, Does.Contain("We refunded $25.00 to your card"));
            Assert.That(mails[ids[0]].TextBody, Is.EqualTo(firstWrite[ids[0]].TextBody));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, MimeMessage> ReadAll(string folder) =>
        Directory.GetFiles(folder, "*.eml").Select(f => MimeMessage.Load(f)).ToDictionary(m => m.MessageId ?? "");

    private static async Task<int> StillPendingAsync(Npgsql.NpgsqlDataSource db, Guid pledge)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox WHERE dispatched_at IS NULL AND key LIKE @key",
            new { key = $"{pledge}:%" });
    }
}
