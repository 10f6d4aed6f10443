using System.Collections.Concurrent;

namespace Crowdfund.Host.Api;

/// <summary>
/// The edge's grain references for string-keyed grains (campaigns, tiers). Orleans resolves a grain interface
/// through its attributes on every GetGrain call, which a profile of the launch rush put at about 5 % of the
/// host's CPU; references are immutable and safe to share, so they are made once per key.
/// </summary>
public sealed class GrainReferences(IGrainFactory grains)
{
    // Keys come from request paths and bodies; past this many, references are made per call again rather than
    // letting made-up ids grow the map.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(Type, string), IGrainWithStringKey> references = new();

    public T Get<T>(string key) where T : IGrainWithStringKey
    {
        if (references.TryGetValue((typeof(T), key), out var known)) return (T)known;
        var made = grains.GetGrain<T>(key);
        if (references.Count < MaxEntries) references.TryAdd((typeof(T), key), made);
        return made;
    }
}
