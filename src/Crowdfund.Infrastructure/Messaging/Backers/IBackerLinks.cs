namespace Crowdfund.Infrastructure.Messaging.Backers;

/// <summary>Links a message puts in front of a backer. The host makes them: it knows its public address and the pledge tokens.</summary>
public interface IBackerLinks
{
    /// <summary>The backer's own page of a pledge, carrying the token that opens it.</summary>
    Uri PledgePage(Guid pledgeId);
}
