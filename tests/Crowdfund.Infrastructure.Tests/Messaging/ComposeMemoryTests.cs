using System.Runtime.CompilerServices;
using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Infrastructure.Messaging.Mail;
using Crowdfund.Messages;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>A mail, once sent, belongs to nobody: the host sends one per pledge charged, tens of thousands in a run.</summary>
public sealed class ComposeMemoryTests
{
    [Test]
    public void Mails_composed_with_one_sender_are_not_kept_alive_by_it()
    {
        // The sender as the dispatcher reads it, the default one when Crowdfund:Mail:From is unset (the folder's case).
        var sender = new MailOptions().Sender;

        var mails = ComposeAndDrop(sender, 100);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // MimeKit ties an address list to each address added to it (through the address's Changed event): a shared
        // address added as is held every message composed with it, a leak of one message per pledge charged.
        Assert.That(mails.Count(m => m.IsAlive), Is.Zero, "mails still reachable after they were dropped");
        GC.KeepAlive(sender);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> ComposeAndDrop(MimeKit.MailboxAddress sender, int count) =>
        Enumerable.Range(0, count)
            .Select(i => new WeakReference(BackerMail.Compose(Rendered, Facts, sender, $"key-{i}", DateTimeOffset.UnixEpoch)))
            .ToList();

    private static readonly RenderedMail Rendered = new("en", "en-US", "Payment received", "Hello Zoë,\n\nWe charged your card.\n");

    private static readonly BackerFacts Facts = new("Zoë", "zoe@example.org", "en-US", "US", "USD", 123456, PledgeStatus.Collected,
        "Retro Phone", "Cordless retro-styled landline phone");
}
