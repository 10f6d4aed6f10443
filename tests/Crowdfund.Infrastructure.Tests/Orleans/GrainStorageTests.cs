using Crowdfund.Infrastructure.Orleans;
using Crowdfund.Testing;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Crowdfund.Infrastructure.Tests.Orleans;

public sealed class GrainStorageTests
{
    private PostgresGrainStorage storage = null!;
    private readonly GrainId grain = GrainId.Create("probe", Guid.NewGuid().ToString("N"));

    [SetUp]
    public async Task SetUp()
    {
        await Database.MigrateAsync();
        storage = new PostgresGrainStorage(TestDatabase.DataSource, new JsonProbeSerializer(),
            Options.Create(new ClusterOptions { ServiceId = TestSilo.NewClusterId("storage") }));
    }

    [Test]
    public async Task Written_state_reads_back_with_its_etag()
    {
        var state = new GrainState<ProbeState>(new ProbeState { Count = 3, Note = "hello" });
        await storage.WriteStateAsync("probe", grain, state);

        var read = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync("probe", grain, read);

        Assert.That(read.RecordExists, Is.True);
        Assert.That(read.ETag, Is.EqualTo(state.ETag));
        Assert.That(read.State!.Count, Is.EqualTo(3));
        Assert.That(read.State!.Note, Is.EqualTo("hello"));
    }

    [Test]
    public async Task A_writer_holding_a_stale_etag_is_refused_and_changes_nothing()
    {
        var first = new GrainState<ProbeState>(new ProbeState { Count = 1 });
        await storage.WriteStateAsync("probe", grain, first);
        var stale = new GrainState<ProbeState>(new ProbeState { Count = 99 }) { ETag = first.ETag };
        first.State!.Count = 2;
        await storage.WriteStateAsync("probe", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grain, stale));
        // A second "first write" of a row that exists is just as stale.
        var fresh = new GrainState<ProbeState>(new ProbeState { Count = 7 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grain, fresh));

        var read = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync("probe", grain, read);
        Assert.That(read.State!.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Clear_needs_the_current_etag_and_then_the_state_is_gone()
    {
        var state = new GrainState<ProbeState>(new ProbeState { Count = 1 });
        await storage.WriteStateAsync("probe", grain, state);
        var stale = new GrainState<ProbeState>(new ProbeState()) { ETag = state.ETag };
        await storage.WriteStateAsync("probe", grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("probe", grain, stale));
        await storage.ClearStateAsync("probe", grain, state);

        var read = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync("probe", grain, read);
        Assert.That(read.RecordExists, Is.False);
        Assert.That(read.ETag, Is.Null);
    }

    private sealed class JsonProbeSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
