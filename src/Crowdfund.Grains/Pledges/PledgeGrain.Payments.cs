using Crowdfund.Domain;
using Crowdfund.Grains.Payments;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Messages.Payments;

namespace Crowdfund.Grains.Pledges;

/// <summary>
/// The card of a pledge: setups asked for by the backer, made at the provider by the silo's setup queue, and settled by
/// the provider's events. Each setup is a row the grain alone writes, in the same transaction as the pledge's row when
/// both change (a saved card confirms the pledge).
/// </summary>
public sealed partial class PledgeGrain
{
    public async Task<SetupResult> RequestPaymentSetupAsync(byte[] tokenHash, TimeSpan expectedWait)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await FindAsync(tokenHash) is not { } row) return SetupResult.Refused(Refusal.PledgeNotFound);
            var now = clock.GetUtcNow();
            if (!MayReplaceCard(row, now)) return SetupResult.Refused(Refusal.InvalidPledgeState);
            if (row.Status == PledgeStatus.Reserved && row.HoldExpiresAt <= now)
            {
                // The hold is over even if the tier's timer has not come by yet: the reservation expires, no card is asked.
                await WriteAsync(row, PledgeStatus.Expired, row.TierId, row.Quantity, row.Units, row.Amounts, now);
                await TierOf(row).SyncPledgeAsync(row.Id);
                return SetupResult.Refused(Refusal.InvalidPledgeState);
            }
            var open = row.SetupAttempt > 0 ? await payments.GetSetupAsync(row.Id, row.SetupAttempt) : null;
            // An open setup answers again: repeating the request makes no second setup, and a refused card is followed
            // by another card on the same setup. A saved card is replaced by a new setup.
            if (open is { Status: SetupStatus.Queued or SetupStatus.Ready or SetupStatus.RequiresAction or SetupStatus.Failed })
                return new SetupResult(Refusal.None, open.ToView(), open.Status == SetupStatus.Queued ? await TicketAsync(row, open.Attempt) : null);

            var number = row.SetupAttempt + 1;
            var expectedReady = now + expectedWait;
            var setup = new PaymentSetup(row.Id, number, SetupStatus.Queued, null, null, null, null, null, null, null, null,
                now, expectedReady, now);
            var next = row with { SetupAttempt = number, HoldExpiresAt = Extended(row, expectedReady + settings.HoldWindow) };
            var written = await payments.SaveSetupAsync(setup, CardUpdate(row, next, now));
            if (written == PledgeWrite.Conflict) continue;
            if (written == PledgeWrite.CampaignNotLive) return SetupResult.Refused(Refusal.CampaignNotLive);
            if (next.HoldExpiresAt != row.HoldExpiresAt) await TierOf(row).SyncPledgeAsync(row.Id);
            return new SetupResult(Refusal.None, setup.ToView(), await TicketAsync(row, number));
        }
        return SetupResult.Refused(Refusal.InvalidPledgeState);
    }

    public async Task<SetupResult> GetPaymentSetupAsync(byte[] tokenHash)
    {
        if (await FindAsync(tokenHash) is not { } row) return SetupResult.Refused(Refusal.PledgeNotFound);
        if (row.SetupAttempt == 0 || await payments.GetSetupAsync(row.Id, row.SetupAttempt) is not { } setup)
            return SetupResult.Refused(Refusal.SetupNotFound);
        return new SetupResult(Refusal.None, setup.ToView(), null);
    }

    public async Task SetupCreatedAsync(int attempt, string setupIntentId, string clientSecret, string customerId)
    {
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return;
            if (await payments.GetSetupAsync(row.Id, attempt) is not { Status: SetupStatus.Queued } setup) return;
            var now = clock.GetUtcNow();
            var ready = setup with
            {
                Status = SetupStatus.Ready, SetupIntentId = setupIntentId, ClientSecret = clientSecret, CustomerId = customerId,
                UpdatedAt = now,
            };
            // The backer now enters the card: a reservation keeps its rewards a whole hold window from here.
            var next = row with { HoldExpiresAt = Extended(row, now + settings.HoldWindow) };
            var update = next.HoldExpiresAt == row.HoldExpiresAt ? null : Update(row, next, now) with { WhileCampaignLive = false };
            var written = await payments.SaveSetupAsync(ready, update);
            if (written == PledgeWrite.Conflict) continue;
            if (update is not null) await TierOf(row).SyncPledgeAsync(row.Id);
            return;
        }
    }

    public async Task SetupRefusedAsync(int attempt, string? code, string message)
    {
        if (await payments.GetSetupAsync(this.GetPrimaryKey(), attempt) is not { Status: SetupStatus.Queued } setup) return;
        await payments.SaveSetupAsync(setup with
        {
            Status = SetupStatus.Refused, FailureCode = code, FailureMessage = message, UpdatedAt = clock.GetUtcNow(),
        }, null);
    }

    public async Task ApplyPaymentEventAsync(PaymentEvent paymentEvent)
    {
        try
        {
            await ApplyAsync(paymentEvent);
        }
        finally
        {
            LetGoWhenIdle();
        }
    }

    private async Task ApplyAsync(PaymentEvent paymentEvent)
    {
        switch (paymentEvent.Type)
        {
            case PaymentEvent.PaymentSucceeded or PaymentEvent.PaymentFailed or PaymentEvent.PaymentRequiresAction
                when paymentEvent.ChargeAttempt is { } charge:
                await SettleChargeAsync(charge, ChargeOf(paymentEvent));
                return;
            case PaymentEvent.ChargeRefunded:
                await ApplyRefundEventAsync(paymentEvent);
                return;
            case PaymentEvent.DisputeCreated or PaymentEvent.DisputeClosed:
                await ApplyDisputeEventAsync(paymentEvent);
                return;
        }
        if (paymentEvent.SetupAttempt is not { } attempt) return;
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return;
            if (await payments.GetSetupAsync(row.Id, attempt) is not { } setup) return;
            var now = clock.GetUtcNow();
            var (nextSetup, nextRow) = paymentEvent.Type switch
            {
                PaymentEvent.SetupSucceeded => CardSaved(row, setup, paymentEvent, now),
                PaymentEvent.SetupFailed => (Settled(setup, paymentEvent, SetupStatus.Failed, now), null),
                PaymentEvent.SetupRequiresAction => (Settled(setup, paymentEvent, SetupStatus.RequiresAction, now), null),
                _ => (null, null),
            };
            if (nextSetup is null) return;
            var update = nextRow is null ? null : CardUpdate(row, nextRow, now);
            if (update is not null && row.Status == PledgeStatus.Reserved && nextRow!.Status == PledgeStatus.Confirmed)
                update = update with { Messages = [BackerMessage(row, BackerMessageKind.PledgeConfirmed, "confirmed", now)] };
            var written = await payments.SaveSetupAsync(nextSetup, update);
            if (written == PledgeWrite.Conflict) continue;
            if (written == PledgeWrite.CampaignNotLive)
            {
                // The card came after the end: it is kept on the setup, and the pledge stays as the end found it.
                await payments.SaveSetupAsync(nextSetup, null);
                return;
            }
            if (update is not null && update.Row.Status != row.Status) await TierOf(row).SyncPledgeAsync(row.Id);
            // A new card for a failed charge: collection charges it now rather than at the next scheduled retry.
            if (update?.Row.NextChargeAt == now) await GrainFactory.GetGrain<ICollectionGrain>(row.CampaignId).WakeAsync();
            return;
        }
    }

    /// <summary>
    /// A saved card: the setup succeeded (whatever failed on it before), the pledge keeps the newest saved card (an
    /// older setup's success arriving late never replaces it), and a reservation is confirmed.
    /// </summary>
    private static (PaymentSetup?, PledgeRecord?) CardSaved(PledgeRecord row, PaymentSetup setup, PaymentEvent paymentEvent,
        DateTimeOffset now)
    {
        var saved = setup.Status == SetupStatus.Succeeded ? setup : setup with
        {
            Status = SetupStatus.Succeeded, PaymentMethodId = paymentEvent.PaymentMethodId,
            CustomerId = paymentEvent.CustomerId ?? setup.CustomerId, FailureCode = null, DeclineCode = null,
            FailureMessage = null, LastEventAt = Latest(setup.LastEventAt, paymentEvent.Created), UpdatedAt = now,
        };
        var next = row;
        if (setup.Attempt >= (row.CardAttempt ?? 0) && PledgeLifecycle.HoldsRewards(row.Status))
            next = next with { CardAttempt = setup.Attempt, CustomerId = saved.CustomerId, PaymentMethodId = saved.PaymentMethodId };
        if (next.PaymentMethodId != row.PaymentMethodId && row.Status is PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired)
            next = next with { NextChargeAt = now };
        if (next.Status == PledgeStatus.Reserved) next = next with { Status = PledgeStatus.Confirmed };
        if (saved == setup && next == row) return (null, null);
        return (saved, next == row ? null : next);
    }

    /// <summary>A failure or a request for authentication, unless the setup succeeded or a newer event came first.</summary>
    private static PaymentSetup? Settled(PaymentSetup setup, PaymentEvent paymentEvent, SetupStatus status, DateTimeOffset now)
    {
        if (setup.Status == SetupStatus.Succeeded || setup.LastEventAt > paymentEvent.Created) return null;
        return setup with
        {
            Status = status, FailureCode = paymentEvent.FailureCode, DeclineCode = paymentEvent.DeclineCode,
            FailureMessage = paymentEvent.FailureMessage, LastEventAt = paymentEvent.Created, UpdatedAt = now,
        };
    }

    /// <summary>A payment event as the answer it stands for: a decline asking for authentication is a request for action.</summary>
    private static ChargeResult ChargeOf(PaymentEvent e)
    {
        var outcome = e.Type switch
        {
            PaymentEvent.PaymentSucceeded => ChargeOutcome.Succeeded,
            PaymentEvent.PaymentRequiresAction => ChargeOutcome.ActionRequired,
            _ when e.FailureCode == "authentication_required" || e.DeclineCode == "authentication_required" => ChargeOutcome.ActionRequired,
            _ => ChargeOutcome.Declined,
        };
        return new ChargeResult(outcome, e.PaymentIntentId ?? e.ObjectId, null, null, e.Amount ?? 0, e.AmountReceived ?? 0,
            e.Currency?.ToUpperInvariant() ?? "", e.FailureCode, e.DeclineCode);
    }

    /// <summary>
    /// The backer may save a card while the pledge may change, and replace it while a failed charge can still be fixed.
    /// </summary>
    private static bool MayReplaceCard(PledgeRecord row, DateTimeOffset now) =>
        PledgeLifecycle.BackerMayChange(row.Status)
        || row.Status is PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired && row.FixBy > now;

    /// <summary>A card's write: bound to the live campaign before the end, not while fixing a failed charge after it.</summary>
    private static PledgeUpdate CardUpdate(PledgeRecord row, PledgeRecord next, DateTimeOffset now) =>
        Update(row, next, now) with { WhileCampaignLive = PledgeLifecycle.BackerMayChange(row.Status) };

    /// <summary>A reservation's hold, pushed out to at least <paramref name="until"/>; other pledges hold nothing by time.</summary>
    private static DateTimeOffset? Extended(PledgeRecord row, DateTimeOffset until) =>
        row.Status == PledgeStatus.Reserved && row.HoldExpiresAt < until ? until : row.HoldExpiresAt;

    private static DateTimeOffset Latest(DateTimeOffset? a, DateTimeOffset b) => a is { } known && known > b ? known : b;

    private async Task<SetupTicket?> TicketAsync(PledgeRecord row, int attempt) =>
        await payments.BackerEmailAsync(row.Id) is { } email ? new SetupTicket(row.Id, row.CampaignId, attempt, email) : null;
}
