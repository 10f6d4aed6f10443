using Crowdfund.Domain;
using Crowdfund.Grains.Payments;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Crowdfund.Messages.Payments;

namespace Crowdfund.Grains.Pledges;

/// <summary>
/// Money going back after collection: refunds the team asks for, refunds and disputes the provider tells of. What the
/// pledge records as refunded only grows, to the larger of its own succeeded refunds and the provider's total, so the
/// team's answer and the provider's event can arrive in either order without counting a refund twice.
/// </summary>
public sealed partial class PledgeGrain
{
    public async Task<RefundOutcome> RefundAsync(long? amount, string requestKey, string? reason)
    {
        if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return RefundOutcome.Refused(Refusal.PledgeNotFound);
        var refund = await ledger.GetRefundAsync(row.Id, requestKey);
        if (refund is not null && amount is { } asked && asked != refund.Amount)
            return RefundOutcome.Refused(Refusal.IdempotencyKeyReused);
        if (refund is null)
        {
            if (row.Status is not (PledgeStatus.Collected or PledgeStatus.PartiallyRefunded))
                return RefundOutcome.Refused(Refusal.RefundNotAllowed);
            var (pending, succeeded) = await ledger.RefundTotalsAsync(row.Id);
            var left = row.CollectedAmount - Math.Max(row.RefundedAmount, succeeded) - pending;
            var wanted = amount ?? left;
            if (wanted <= 0 || wanted > left) return RefundOutcome.Refused(Refusal.RefundExceedsCollected);
            var now = clock.GetUtcNow();
            refund = new PaymentRefund(row.Id, requestKey, RefundStatus.Pending, wanted, row.Amounts.Currency, null, reason, now, now);
            // Written before the provider is asked, so that a concurrent request counts it and a crash leaves a trace.
            await ledger.SaveRefundAsync(refund, null);
        }
        if (refund.Status == RefundStatus.Pending)
        {
            if (await ledger.CollectedChargeAsync(row.Id) is not { PaymentIntentId: { } intent })
                return RefundOutcome.Refused(Refusal.RefundNotAllowed);
            try
            {
                var made = await gateway.RefundAsync(intent, refund.Amount, new Dictionary<string, string>
                {
                    [PaymentMetadata.CampaignId] = row.CampaignId,
                    [PaymentMetadata.PledgeId] = row.Id.ToString(),
                }, $"refund-{row.Id}-{requestKey}");
                refund = refund with { Status = RefundStatus.Succeeded, RefundId = made.RefundId, UpdatedAt = clock.GetUtcNow() };
            }
            catch (PaymentGatewayUnavailableException)
            {
                return RefundOutcome.Refused(Refusal.Unavailable);
            }
            catch (PaymentGatewayException)
            {
                await ledger.SaveRefundAsync(refund with { Status = RefundStatus.Failed, UpdatedAt = clock.GetUtcNow() }, null);
                return RefundOutcome.Refused(Refusal.RefundRefused);
            }
            await RecordRefundAsync(refund);
        }
        var after = await pledges.GetAsync(row.Id) ?? row;
        return new RefundOutcome(Refusal.None, new RefundView(row.Id, refund.RequestKey, refund.Status.ToString(), refund.Amount,
            refund.Currency, refund.RefundId, after.Status, after.CollectedAmount, after.RefundedAmount));
    }

    private async Task RecordRefundAsync(PaymentRefund refund)
    {
        for (var round = 0; round < Attempts; round++)
        {
            var row = await pledges.GetAsync(refund.PledgeId);
            if (row is null) return;
            var (_, succeeded) = await ledger.RefundTotalsAsync(row.Id);
            var (next, message) = Refunded(row, succeeded + refund.Amount, refund.RequestKey, refund.Amount);
            if (await ledger.SaveRefundAsync(refund, next) == PledgeWrite.Written)
            {
                if (next?.Row.Status == PledgeStatus.Refunded) await TierOf(row).SyncPledgeAsync(row.Id);
                return;
            }
        }
    }

    /// <summary>The provider's total refunded on the pledge's charge (a refund made from its dashboard shows here too).</summary>
    private async Task ApplyRefundEventAsync(PaymentEvent paymentEvent)
    {
        if (paymentEvent.AmountRefunded is not { } total) return;
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return;
            var (next, _) = Refunded(row, total, $"provider-{total}", total - row.RefundedAmount);
            if (next is null) return;
            if (await pledges.UpdateAsync(next) != PledgeWrite.Written) continue;
            if (next.Row.Status == PledgeStatus.Refunded) await TierOf(row).SyncPledgeAsync(row.Id);
            return;
        }
    }

    /// <summary>The pledge with <paramref name="refundedTotal"/> refunded, if that is more than it records.</summary>
    private (PledgeUpdate? Update, Outbox.OutboxMessage? Message) Refunded(PledgeRecord row, long refundedTotal, string occasion, long amount)
    {
        var refunded = Math.Min(row.CollectedAmount, Math.Max(row.RefundedAmount, refundedTotal));
        if (refunded == row.RefundedAmount || row.CollectedAmount == 0) return (null, null);
        var status = refunded >= row.CollectedAmount ? PledgeStatus.Refunded : PledgeStatus.PartiallyRefunded;
        // A disputed pledge keeps its status: the dispute's end decides it.
        if (row.Status == PledgeStatus.Disputed || !PledgeLifecycle.CanMove(row.Status, status) && row.Status != status)
            status = row.Status;
        var now = clock.GetUtcNow();
        var message = BackerMessage(row, BackerMessageKind.Refunded, occasion, now, amount);
        return (Settling(row, row with { Status = status, RefundedAmount = refunded }, now, message), message);
    }

    private async Task ApplyDisputeEventAsync(PaymentEvent paymentEvent)
    {
        if (paymentEvent.DisputeId is not { } disputeId) return;
        for (var round = 0; round < Attempts; round++)
        {
            if (await pledges.GetAsync(this.GetPrimaryKey()) is not { } row) return;
            var now = clock.GetUtcNow();
            var known = await ledger.GetDisputeAsync(disputeId);
            // A closed dispute stays closed, whatever arrives late. Won, the pledge may have missed the freeze: the
            // handoff is asked again (idempotent), in case the first ask was lost with a silo.
            if (known is { IsClosed: true })
            {
                if (known.IsWon) await OrderLateAsync(row);
                return;
            }
            var dispute = (known ?? new PaymentDispute(disputeId, row.Id, "", paymentEvent.Amount ?? 0,
                    paymentEvent.Currency?.ToUpperInvariant() ?? row.Amounts.Currency, paymentEvent.DisputeReason, now, now))
                with { Status = paymentEvent.DisputeStatus ?? "needs_response", UpdatedAt = now };
            var status = dispute.IsWon
                ? row.RefundedAmount > 0 ? PledgeStatus.PartiallyRefunded : PledgeStatus.Collected
                : dispute.IsClosed ? row.Status : PledgeStatus.Disputed;
            var update = status != row.Status && PledgeLifecycle.CanMove(row.Status, status)
                ? Settling(row, row with { Status = status }, now)
                : null;
            if (await ledger.SaveDisputeAsync(dispute, update) != PledgeWrite.Written) continue;
            if (dispute.IsWon) await OrderLateAsync(row);
            return;
        }
    }

    /// <summary>
    /// A pledge disputed when its campaign's orders were frozen was left out of them; with the dispute won it is
    /// collected again, and goes to the partner in a batch of its own.
    /// </summary>
    private Task OrderLateAsync(PledgeRecord row) => GrainFactory.GetGrain<IFulfilmentGrain>(row.CampaignId).OrderLateAsync();
}
