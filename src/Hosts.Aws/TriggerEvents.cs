using System.Text.Json.Serialization;

namespace GameBackend.Hosts.Aws;

/// <summary>
/// EventBridge's scheduled event, as Lambda delivers it from a schedule rule (SAM's <c>Schedule</c> event):
/// <c>{"version":"0","id":…,"detail-type":"Scheduled Event","source":"aws.events","account":…,"time":…,"region":…,"resources":[rule ARN],"detail":{}}</c>.
/// Only the members the host checks are read.
/// </summary>
internal sealed record ScheduledEvent(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("detail-type")] string? DetailType,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("time")] DateTimeOffset? Time,
    [property: JsonPropertyName("resources")] IReadOnlyList<string>? Resources)
{
    public const string ScheduledDetailType = "Scheduled Event";
    public const string EventsSource = "aws.events";
}

/// <summary>
/// A Kafka batch as Lambda's MSK (<c>eventSource</c> "aws:kafka") and self-managed Kafka ("SelfManagedKafka") event
/// source mappings deliver it: records grouped by "topic-partition", each with its offset and base64 key and value.
/// Headers are not read: EventWire carries everything in the value.
/// </summary>
internal sealed record KafkaEvent(
    [property: JsonPropertyName("eventSource")] string? EventSource,
    [property: JsonPropertyName("eventSourceArn")] string? EventSourceArn,
    [property: JsonPropertyName("bootstrapServers")] string? BootstrapServers,
    [property: JsonPropertyName("records")] Dictionary<string, List<KafkaEventRecord>>? Records)
{
    public const string MskSource = "aws:kafka";
    public const string SelfManagedSource = "SelfManagedKafka";
}

/// <summary>One record of a Kafka batch; <see cref="Key"/> and <see cref="Value"/> are base64 and absent for a null key or a tombstone.</summary>
internal sealed record KafkaEventRecord(
    [property: JsonPropertyName("topic")] string? Topic,
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("timestamp")] long Timestamp,
    [property: JsonPropertyName("timestampType")] string? TimestampType,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("value")] string? Value);

/// <summary>What a tick invocation did, summed over its ticks; the answer Lambda returns to the scheduler (and logs show).</summary>
internal sealed record TickInvocationReport(int Ticks, int Queues, int MatchesFormed, int TimedOut, int Conflicts, int NoRelay, int EventFailures);

/// <summary>What an ingest invocation did (IngestBatchReport's counts).</summary>
internal sealed record IngestInvocationReport(int Records, int Applied, int Duplicates, int Malformed);

// Member names are matched exactly, as Lambda writes them: an SQS event's "Records" is not a Kafka event's "records".
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ScheduledEvent))]
[JsonSerializable(typeof(KafkaEvent))]
[JsonSerializable(typeof(TickInvocationReport))]
[JsonSerializable(typeof(IngestInvocationReport))]
internal sealed partial class AwsJsonContext : JsonSerializerContext;
