using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crowdfund.Host.Api;

/// <summary>
/// Compile-time JSON metadata for the bodies of the launch-rush path (reading a pledge, answering it, the priced
/// campaign page), so that they skip reflection-based serialisation. Other types fall through to the default
/// resolver behind it; the API's options (camelCase, enums as strings) still apply to both.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(NewPledgeBody))]
[JsonSerializable(typeof(PledgeChangeBody))]
[JsonSerializable(typeof(PledgeResponse))]
[JsonSerializable(typeof(CampaignPage))]
internal sealed partial class ApiJson : JsonSerializerContext;
