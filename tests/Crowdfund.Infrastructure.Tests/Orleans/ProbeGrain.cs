namespace Crowdfund.Infrastructure.Tests.Orleans;

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)] public int Count { get; set; }
    [Id(1)] public string? Note { get; set; }
    [Id(2)] public List<string> FiredOn { get; set; } = [];
}

/// <summary>A grain with persisted state and a reminder, to watch the cluster providers at work.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);
    Task<ProbeState> GetAsync();
    Task<string> WhereAsync();
    Task StartReminderAsync(TimeSpan period);
}

public sealed class ProbeGrain([PersistentState("probe", "crowdfund")] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IProbeGrain, IRemindable
{
    public async Task<int> AddAsync(int amount)
    {
        state.State.Count += amount;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<ProbeState> GetAsync() => Task.FromResult(state.State);

    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());

    public Task StartReminderAsync(TimeSpan period) => this.RegisterOrUpdateReminder("probe", period, period);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.FiredOn.Add(silo.SiloAddress.ToParsableString());
        await state.WriteStateAsync();
    }
}
