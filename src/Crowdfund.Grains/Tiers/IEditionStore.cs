namespace Crowdfund.Grains.Tiers;

/// <summary>Edition numbers of numbered tiers: 1..N without gap over the pledges that hold them.</summary>
public interface IEditionStore
{
    /// <summary>
    /// Numbers the tier's counted rewards 1..N in order of confirmation, replacing any earlier numbering in one
    /// transaction: the result depends only on the rows, so running it again gives the same numbers.
    /// </summary>
    Task<int> AssignAsync(string campaignId, string tierId);

    Task<IReadOnlyList<EditionRange>> ReadAsync(string campaignId, string tierId);
}
