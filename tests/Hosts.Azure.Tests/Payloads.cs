using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Events;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// Invocation bodies shaped as the Functions host sends them to a custom handler (docs/deploy-azure.md says where each
/// shape comes from). Built with JsonNode so the nesting (a string holding JSON holding strings holding JSON) is explicit.
/// </summary>
public static class Payloads
{
    /// <summary>A timer invocation: <c>Data.timer</c> is the TimerInfo object, <c>Metadata.sys</c> the system binding data.</summary>
    public static string Timer(DateTimeOffset due, bool isPastDue = false) => new JsonObject
    {
        ["Data"] = new JsonObject
        {
            ["timer"] = new JsonObject
            {
                ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                ["ScheduleStatus"] = new JsonObject
                {
                    ["Last"] = due.AddSeconds(-5).ToString("o", CultureInfo.InvariantCulture),
                    ["Next"] = due.ToString("o", CultureInfo.InvariantCulture),
                    ["LastUpdated"] = due.AddSeconds(-5).ToString("o", CultureInfo.InvariantCulture),
                },
                ["IsPastDue"] = isPastDue,
            },
        },
        ["Metadata"] = new JsonObject
        {
            ["sys"] = new JsonObject
            {
                ["MethodName"] = "MatchmakingTick",
                ["UtcNow"] = due.ToString("o", CultureInfo.InvariantCulture),
                ["RandGuid"] = Guid.NewGuid().ToString(),
            },
        },
    }.ToJsonString();

    /// <summary>One record as the Kafka extension serializes it for dataType string (KafkaEventData).</summary>
    public sealed record KafkaRecord(string Topic, int Partition, long Offset, string? Key, string Value, DateTimeOffset Timestamp);

    public static KafkaRecord Record(string topic, int partition, long offset, BackendEvent e) =>
        new(topic, partition, offset, System.Text.Encoding.UTF8.GetString(EventWire.Key(e)), System.Text.Encoding.UTF8.GetString(EventWire.Encode(e)), e.Time);

    /// <summary>
    /// A Kafka batch (cardinality many, dataType string): <c>Data.events</c> is a string holding a JSON array of strings,
    /// each holding one KafkaEventData; <c>Metadata</c> carries the per-record arrays the binding contract names.
    /// </summary>
    public static string KafkaBatch(IReadOnlyList<KafkaRecord> records, bool eventsAsArray = false, bool recordsAsObjects = false)
    {
        var items = new JsonArray();
        foreach (var r in records)
        {
            var data = RecordObject(r);
            items.Add(recordsAsObjects ? data : JsonValue.Create(data.ToJsonString()));
        }

        return new JsonObject
        {
            ["Data"] = new JsonObject { ["events"] = eventsAsArray ? items : JsonValue.Create(items.ToJsonString()) },
            ["Metadata"] = new JsonObject
            {
                ["PartitionArray"] = new JsonArray([.. records.Select(r => JsonValue.Create(r.Partition))]),
                ["OffsetArray"] = new JsonArray([.. records.Select(r => JsonValue.Create(r.Offset))]),
                ["TopicArray"] = new JsonArray([.. records.Select(r => JsonValue.Create(r.Topic))]),
                ["KeyArray"] = new JsonArray([.. records.Select(r => JsonValue.Create(r.Key))]),
                ["TimestampArray"] = new JsonArray([.. records.Select(r => JsonValue.Create(r.Timestamp.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)))]),
                ["HeadersArray"] = new JsonArray([.. records.Select(_ => (JsonNode)new JsonArray())]),
                ["sys"] = new JsonObject
                {
                    ["MethodName"] = "AnalyticsIngest",
                    ["UtcNow"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture),
                    ["RandGuid"] = Guid.NewGuid().ToString(),
                },
            },
        }.ToJsonString();
    }

    /// <summary>Newtonsoft's rendering of KafkaEventData&lt;string, string&gt;: Offset, Partition, Topic, Timestamp, Key, Value, Headers.</summary>
    private static JsonObject RecordObject(KafkaRecord r) => new()
    {
        ["Offset"] = r.Offset,
        ["Partition"] = r.Partition,
        ["Topic"] = r.Topic,
        ["Timestamp"] = r.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["Key"] = r.Key,
        ["Value"] = r.Value,
        ["Headers"] = new JsonArray(),
    };

    public static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
