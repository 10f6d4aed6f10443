using Crowdfund.Grains.Pledges;

namespace Crowdfund.Grains.Payments;

/// <summary>The grains' port to what they keep of payments: customers per backer, card setups, provider events.</summary>
public interface IPaymentStore
{
    /// <summary>The provider's customer of a backer's email (compared in lower case), if one was made.</summary>
    Task<string?> FindCustomerAsync(string email);

    /// <summary>Keeps the customer of an email; the first one kept wins and is returned (two pledges may race).</summary>
    Task<string> SaveCustomerAsync(string email, string customerId, DateTimeOffset now);

    /// <summary>Forgets the customer of an email, if it is still this one (it is gone at the provider).</summary>
    Task ForgetCustomerAsync(string email, string customerId);

    /// <summary>The backer's email of a pledge, to name the provider's customer.</summary>
    Task<string?> BackerEmailAsync(Guid pledgeId);

    Task<PaymentSetup?> GetSetupAsync(Guid pledgeId, int attempt);

    /// <summary>
    /// Writes a setup, and the pledge's new row with it when given, in one transaction: the setup is written only if
    /// the pledge's write is (see <see cref="IPledgeStore.UpdateAsync"/> for the conditions).
    /// </summary>
    Task<PledgeWrite> SaveSetupAsync(PaymentSetup setup, PledgeUpdate? pledge);

    /// <summary>True when an event with this id was recorded already.</summary>
    Task<bool> IsEventRecordedAsync(string eventId);

    /// <summary>Records an event id once, after it was applied; false when it was recorded already.</summary>
    Task<bool> RecordEventAsync(Messages.Payments.PaymentEvent paymentEvent, DateTimeOffset now);
}
