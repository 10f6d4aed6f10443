namespace Crowdfund.Grains.Tiers;

/// <summary>
/// The tier grain's port for new pledge rows: a group commit shared by every tier of the silo, so that a launch rush
/// costs one commit per batch rather than one per pledge.
/// </summary>
public interface IPledgeWriter
{
    /// <summary>
    /// Inserts the pledges with whatever else is waiting; completes once every row has its outcome, in order. A row
    /// the database refuses is answered alone (<see cref="WriteOutcome.Rejected"/>) and never takes other rows with
    /// it. Never throws for a row; a failure of the database itself fails the whole call.
    /// </summary>
    Task<WriteOutcome[]> InsertManyAsync(IReadOnlyList<NewPledge> pledges);
}

/// <summary>What became of one new pledge row.</summary>
public enum WriteOutcome
{
    /// <summary>Committed: the pledge exists and survives a crash.</summary>
    Inserted,

    /// <summary>Its idempotency key was already used in its campaign (also by an earlier row of the same call).</summary>
    KeyTaken,

    /// <summary>The database refused this row (a constraint or a value it cannot store); nothing was written for it.</summary>
    Rejected,

    /// <summary>The writer's queue is full; nothing was written, the caller may retry shortly.</summary>
    Busy,
}
