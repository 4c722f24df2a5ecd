using System.Text.Json;
using System.Text.Json.Serialization;

namespace GameBackend.Hosts.Azure;

/// <summary>
/// What the Functions host POSTs to a custom handler for a non-HTTP trigger: <c>Data</c> holds the trigger's (and input
/// bindings') values by binding name, <c>Metadata</c> the trigger metadata (for a Kafka batch: OffsetArray,
/// PartitionArray, …; always <c>sys</c>). See docs/deploy-azure.md for the shapes and where they come from.
/// </summary>
public sealed class InvocationRequest
{
    public Dictionary<string, JsonElement>? Data { get; set; }

    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>
/// What the handler answers: <c>Outputs</c> by output binding name (none here), <c>Logs</c> (shown in the invocation's
/// logs and Application Insights) and <c>ReturnValue</c> (used only by a <c>$return</c> binding). Any non-2xx status
/// fails the invocation: the host calls EnsureSuccessStatusCode before it reads the body.
/// </summary>
public sealed record InvocationResponse(
    Dictionary<string, JsonElement> Outputs,
    IReadOnlyList<string> Logs,
    string? ReturnValue);

/// <summary>The timer trigger's value (Azure Functions' TimerInfo as JSON).</summary>
public sealed class TimerInfo
{
    public TimerScheduleStatus? ScheduleStatus { get; set; }

    public bool IsPastDue { get; set; }
}

public sealed class TimerScheduleStatus
{
    public DateTimeOffset Last { get; set; }

    public DateTimeOffset Next { get; set; }

    public DateTimeOffset LastUpdated { get; set; }
}

/// <summary>
/// One Kafka record as the Kafka extension serializes it for <c>dataType: string</c> (KafkaEventData): where it sits in
/// the log, its key and its value as text. Timestamp and Headers are not needed by the ingest handler.
/// </summary>
public sealed class KafkaEventData
{
    public long? Offset { get; set; }

    public int? Partition { get; set; }

    public string? Topic { get; set; }

    public JsonElement Key { get; set; }

    public JsonElement Value { get; set; }
}

/// <summary>PascalCase as the custom-handler contract spells it; reading is case-insensitive.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(InvocationRequest))]
[JsonSerializable(typeof(InvocationResponse))]
[JsonSerializable(typeof(TimerInfo))]
[JsonSerializable(typeof(KafkaEventData))]
[JsonSerializable(typeof(List<JsonElement>))]
internal sealed partial class CustomHandlerJsonContext : JsonSerializerContext;
