using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Resources;

namespace Crowdfund.StripeEmulator.State;

/// <summary>
/// One change to the store, from an API request or a test control (the 3-D Secure page, a dispute closed): it knows
/// the time, where the emulator is reached (for the URLs it hands out) and which request caused it, for events.
/// Only used under <see cref="EmulatorStore.Gate"/>.
/// </summary>
internal class Operation(Emulator emulator, string baseUrl, string? requestId = null, string? idempotencyKey = null)
{
    public Emulator Emulator { get; } = emulator;

    public EmulatorStore Store => Emulator.Store;

    public string BaseUrl { get; } = baseUrl;

    public string? RequestId { get; } = requestId;

    public string? IdempotencyKey { get; } = idempotencyKey;

    public long Now { get; } = emulator.UnixNow;

    public long NextSeq() => Store.NextSeq();

    /// <summary>Records an event carrying a snapshot of <paramref name="data"/>, and queues its webhook deliveries.</summary>
    public void Emit(string type, JsonObject data, JsonObject? previousAttributes = null) =>
        Events.Record(this, type, data, previousAttributes);
}
