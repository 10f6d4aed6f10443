using Crowdfund.Grains.Outbox;
using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Grains.Fulfilment;

/// <summary>The last forecast a campaign's partner was sent: its number, its figures, when, and whether the final quantities went.</summary>
public sealed record PartnerForecast(string CampaignId, int Sequence, UnitCounts Figures, DateTimeOffset SentAt,
    DateTimeOffset? FinalSentAt);

/// <summary>The forecast grain's port: what was sent, and each new message written with the record of it.</summary>
public interface IPartnerForecastStore
{
    /// <summary>
    /// The campaign's last forecast; the first read takes it from the production-go notice (<paramref name="noticeKey"/>
    /// in the outbox), which is number 0. Null while there is no notice.
    /// </summary>
    Task<PartnerForecast?> GetAsync(string campaignId, string noticeKey);

    /// <summary>
    /// Records forecast <paramref name="sequence"/> and writes its message in one transaction, if the last one recorded
    /// is still <paramref name="sequence"/> - 1; false (nothing written) otherwise.
    /// </summary>
    Task<bool> RecordUpdateAsync(string campaignId, int sequence, UnitCounts figures, OutboxMessage message);

    /// <summary>Writes the final quantities' message and marks them sent, in one transaction; false if they were sent already.</summary>
    Task<bool> RecordFinalAsync(string campaignId, OutboxMessage message);
}
