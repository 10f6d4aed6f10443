using System.Globalization;
using Crowdfund.Domain;
using Crowdfund.Grains.Outbox;
using Crowdfund.Grains.Payments;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Messages.Payments;
using Microsoft.Extensions.Logging;

namespace Crowdfund.Grains.Pledges;

/// <summary>
/// The charge of a pledge once its campaign succeeded. Every attempt is written as pending, with its number, before the
/// provider is called under a key made of the pledge and that number; the answer, or the provider's event, settles it.
/// A crash in between leaves a pending attempt that the next call settles under the same key, so the provider answers
/// the first charge again instead of making a second.
/// </summary>
public sealed partial class PledgeGrain
{
    public async Task<CollectStep> CollectAsync()
    {
        try
        {
            return await ChargeDueAsync();
        }
        finally
        {
            LetGoWhenIdle();
        }
    }

    private async Task<CollectStep> ChargeDueAsync()
    {
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return CollectStep.NotDue;
            var now = clock.GetUtcNow();
            switch (row.Status)
            {
                case PledgeStatus.Confirmed:
                case PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired when row.FixBy > now && row.NextChargeAt <= now:
                    var charge = new PaymentCharge(row.Id, row.ChargeAttempt + 1, ChargeStatus.Pending, row.Amounts.Total,
                        row.Amounts.Currency, null, null, null, null, null, now, now);
                    var pending = row with { Status = PledgeStatus.PaymentPending, ChargeAttempt = charge.Attempt, NextChargeAt = null };
                    if (await ledger.SaveChargeAsync(charge, Settling(row, pending, now)) != PledgeWrite.Written) continue;
                    return await ChargeAsync(pending, charge);
                case PledgeStatus.PaymentPending:
                    // The answer to this attempt was lost (a crash, a timeout): ask again under the same key.
                    var open = await ledger.GetChargeAsync(row.Id, row.ChargeAttempt)
                        ?? throw new InvalidOperationException($"Pledge {row.Id} is pending without its charge {row.ChargeAttempt}.");
                    return await ChargeAsync(row, open);
                case PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired when row.FixBy <= now:
                    var dropped = row with { Status = PledgeStatus.Dropped, NextChargeAt = null };
                    var message = BackerMessage(row, BackerMessageKind.PledgeDropped, "dropped", now);
                    if (await pledges.UpdateAsync(Settling(row, dropped, now, message)) != PledgeWrite.Written) continue;
                    await TierOf(row).SyncPledgeAsync(row.Id);
                    return CollectStep.Dropped;
                default:
                    return CollectStep.NotDue;
            }
        }
        return CollectStep.Retry;
    }

    private async Task<CollectStep> ChargeAsync(PledgeRecord row, PaymentCharge charge)
    {
        ChargeResult result;
        if (row.CustomerId is null || row.PaymentMethodId is null)
        {
            // Nothing to charge: the backer must save a card within the fix window, like after a decline.
            return await SettleChargeAsync(charge.Attempt, new ChargeResult(ChargeOutcome.Declined, "", null, null, charge.Amount, 0,
                charge.Currency, "no_saved_card", null));
        }
        try
        {
            var found = clock.GetUtcNow() - charge.CreatedAt > settings.ChargeLookupAfter
                ? await gateway.FindChargeAsync(row.CustomerId, row.Id, charge.Attempt)
                : null;
            result = found ?? await gateway.ChargeAsync(
                new ChargeRequest(row.CustomerId, row.PaymentMethodId, charge.Amount, charge.Currency, Metadata(row, charge.Attempt)),
                $"charge-{row.Id}-{charge.Attempt}");
        }
        catch (PaymentGatewayUnavailableException unavailable)
        {
            LogChargeUnavailable(logger, row.Id, charge.Attempt, unavailable.Message);
            return CollectStep.Retry;
        }
        catch (PaymentGatewayException refused)
        {
            // The provider refused the request itself (the card or customer is gone): the backer must give another card.
            result = new ChargeResult(ChargeOutcome.Declined, charge.PaymentIntentId ?? "", null, null, charge.Amount, 0,
                charge.Currency, refused.Code ?? "payment_refused", null);
        }
        return await SettleChargeAsync(charge.Attempt, result);
    }

    /// <summary>
    /// Applies the provider's word on one charge attempt, from its answer or its event, whichever comes first; the
    /// second finds the work done. A late success of an older attempt still collects the pledge (the money was taken);
    /// a late failure of an older attempt changes nothing.
    /// </summary>
    private async Task<CollectStep> SettleChargeAsync(int attempt, ChargeResult result)
    {
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return CollectStep.NotDue;
            if (await ledger.GetChargeAsync(row.Id, attempt) is not { } charge) return CollectStep.NotDue;
            var now = clock.GetUtcNow();
            var settled = charge with
            {
                Status = result.Outcome switch
                {
                    ChargeOutcome.Succeeded => ChargeStatus.Succeeded,
                    ChargeOutcome.Declined => ChargeStatus.Failed,
                    ChargeOutcome.ActionRequired => ChargeStatus.ActionRequired,
                    _ => charge.Status,
                },
                PaymentIntentId = string.IsNullOrEmpty(result.PaymentIntentId) ? charge.PaymentIntentId : result.PaymentIntentId,
                ClientSecret = result.ClientSecret ?? charge.ClientSecret,
                ChargeId = result.ChargeId ?? charge.ChargeId,
                FailureCode = result.FailureCode,
                DeclineCode = result.DeclineCode,
                UpdatedAt = now,
            };
            // A success is final for its attempt: a failure told late never overwrites it.
            if (charge.Status == ChargeStatus.Succeeded) settled = charge;
            var (next, step, message) = Outcome(row, attempt, settled, result, now);
            if (next is null && settled with { UpdatedAt = charge.UpdatedAt } == charge) return step;
            var update = next is null ? null : Settling(row, next, now, message);
            if (await ledger.SaveChargeAsync(settled, update) != PledgeWrite.Written) continue;
            if (step == CollectStep.Failed || step == CollectStep.ActionRequired)
                LogChargeFailed(logger, row.Id, attempt, settled.FailureCode, settled.DeclineCode);
            return step;
        }
        return CollectStep.Retry;
    }

    private (PledgeRecord? Next, CollectStep Step, OutboxMessage? Message) Outcome(PledgeRecord row, int attempt,
        PaymentCharge charge, ChargeResult result, DateTimeOffset now)
    {
        var current = attempt == row.ChargeAttempt;
        switch (result.Outcome)
        {
            case ChargeOutcome.Succeeded when PledgeLifecycle.CanMove(row.Status, PledgeStatus.Collected):
                var collected = row with
                {
                    Status = PledgeStatus.Collected, CollectedAmount = result.AmountReceived, CollectedAt = now, NextChargeAt = null,
                };
                return (collected, CollectStep.Collected,
                    BackerMessage(row, BackerMessageKind.PaymentCollected, Occasion(attempt), now, result.AmountReceived));
            case ChargeOutcome.Succeeded:
                if (row.Status != PledgeStatus.Collected && row.CollectedAt is null) return (null, CollectStep.NotDue, null);
                if (row.CollectedAt is not null && !current) LogCollectedTwice(logger, row.Id, attempt);
                return (null, CollectStep.Collected, null);
            case ChargeOutcome.Declined or ChargeOutcome.ActionRequired when current && row.Status == PledgeStatus.PaymentPending
                || (result.Outcome == ChargeOutcome.Declined && current && row.Status == PledgeStatus.ActionRequired):
                var action = result.Outcome == ChargeOutcome.ActionRequired;
                var fixBy = row.FixBy ?? now + settings.FixWindow;
                var failed = row with
                {
                    Status = action ? PledgeStatus.ActionRequired : PledgeStatus.PaymentFailed,
                    FixBy = fixBy,
                    NextChargeAt = now + settings.RetryEvery,
                };
                var kind = action ? BackerMessageKind.ActionRequired : BackerMessageKind.PaymentFailed;
                return (failed, action ? CollectStep.ActionRequired : CollectStep.Failed,
                    BackerMessage(row, kind, Occasion(attempt), now, charge.Amount, charge.DeclineCode ?? charge.FailureCode, fixBy));
            case ChargeOutcome.Pending:
                return (null, CollectStep.Pending, null);
            default:
                return (null, row.Status switch
                {
                    PledgeStatus.Collected => CollectStep.Collected,
                    PledgeStatus.PaymentFailed => CollectStep.Failed,
                    PledgeStatus.ActionRequired => CollectStep.ActionRequired,
                    _ => CollectStep.NotDue,
                }, null);
        }
    }

    public async Task<CollectStep> ReleaseAsync()
    {
        try
        {
            return await ReleaseCardsAsync();
        }
        finally
        {
            LetGoWhenIdle();
        }
    }

    private async Task<CollectStep> ReleaseCardsAsync()
    {
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return CollectStep.NotDue;
            if (!PledgeLifecycle.CanMove(row.Status, PledgeStatus.Released)) return CollectStep.NotDue;
            try
            {
                // Cards first: a pledge released with a card still saved would never be looked at again.
                foreach (var card in await ledger.SavedCardsAsync(row.Id))
                    await gateway.DetachCardAsync(card, $"detach-{card}");
            }
            catch (PaymentGatewayUnavailableException)
            {
                return CollectStep.Retry;
            }
            var now = clock.GetUtcNow();
            if (await pledges.UpdateAsync(Settling(row, row with { Status = PledgeStatus.Released }, now)) != PledgeWrite.Written) continue;
            await TierOf(row).SyncPledgeAsync(row.Id);
            return CollectStep.Released;
        }
        return CollectStep.Retry;
    }

    public async Task<PaymentResult> GetPaymentAsync(byte[] tokenHash)
    {
        if (await FindAsync(tokenHash) is not { } row) return PaymentResult.Refused(Refusal.PledgeNotFound);
        var charge = row.ChargeAttempt > 0 ? await ledger.GetChargeAsync(row.Id, row.ChargeAttempt) : null;
        var action = row.Status == PledgeStatus.ActionRequired && charge is { PaymentIntentId: { } intent, ClientSecret: { } secret }
            ? new PaymentAction(intent, secret, row.PaymentMethodId)
            : null;
        var failing = row.Status is PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired;
        return new PaymentResult(Refusal.None, new PaymentView(row.Id, row.Status, row.Amounts.Total, row.Amounts.Currency,
            row.CollectedAmount, row.RefundedAmount, row.ChargeAttempt, failing ? charge?.FailureCode : null,
            failing ? charge?.DeclineCode : null, failing ? row.FixBy : null, failing ? row.NextChargeAt : null, action));
    }

    /// <summary>A write after the campaign ended (collection, release): not bound to the campaign being live.</summary>
    private static PledgeUpdate Settling(PledgeRecord row, PledgeRecord next, DateTimeOffset now, OutboxMessage? message = null) =>
        Update(row, next, now) with { WhileCampaignLive = false, Messages = message is null ? [] : [message] };

    private static OutboxMessage BackerMessage(PledgeRecord row, BackerMessageKind kind, string occasion, DateTimeOffset now,
        long? amount = null, string? declineCode = null, DateTimeOffset? fixBy = null) =>
        OutboxMessage.Of(new BackerMessageV1(kind, row.Id, row.CampaignId, amount, amount is null ? null : row.Amounts.Currency,
            declineCode, fixBy).Envelope(occasion, now));

    private static string Occasion(int attempt) => attempt.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Metadata(PledgeRecord row, int attempt) => new()
    {
        [PaymentMetadata.CampaignId] = row.CampaignId,
        [PaymentMetadata.PledgeId] = row.Id.ToString(),
        [PaymentMetadata.ChargeAttempt] = attempt.ToString(CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge {Attempt} of pledge {PledgeId} could not reach the provider; it is tried again under the same key: {Reason}")]
    private static partial void LogChargeUnavailable(ILogger logger, Guid pledgeId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Charge {Attempt} of pledge {PledgeId} failed: {FailureCode} ({DeclineCode})")]
    private static partial void LogChargeFailed(ILogger logger, Guid pledgeId, int attempt, string? failureCode, string? declineCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pledge {PledgeId} was collected already when its charge {Attempt} succeeded too: reconcile and refund one")]
    private static partial void LogCollectedTwice(ILogger logger, Guid pledgeId, int attempt);
}
