using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// Event payloads in the shapes Lambda documents: EventBridge's scheduled event, and the Kafka event of an MSK
/// ("aws:kafka") or self-managed ("SelfManagedKafka") event source mapping (records grouped by "topic-partition",
/// key and value base64, headers as arrays of byte values).
/// </summary>
public static class LambdaEvents
{
    public static string Scheduled(DateTimeOffset time) => $$"""
        {
          "version": "0",
          "id": "{{Guid.NewGuid()}}",
          "detail-type": "Scheduled Event",
          "source": "aws.events",
          "account": "123456789012",
          "time": "{{time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}",
          "region": "eu-west-1",
          "resources": ["arn:aws:events:eu-west-1:123456789012:rule/gamebackend-prod-MatchmakingTick"],
          "detail": {}
        }
        """;

    /// <summary>A record; <c>Timestamp</c> is the broker's (ms since the epoch), made up from the offset when not given.</summary>
    public sealed record Record(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, long? Timestamp = null);

    public static string Kafka(IEnumerable<Record> records, bool selfManaged = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("eventSource", selfManaged ? "SelfManagedKafka" : "aws:kafka");
            if (!selfManaged)
            {
                json.WriteString("eventSourceArn", "arn:aws:kafka:eu-west-1:123456789012:cluster/gamebackend/abcd1234-0123-4567-89ab-cdef01234567-2");
            }

            json.WriteString("bootstrapServers", "b-1.gamebackend.abcd12.c2.kafka.eu-west-1.amazonaws.com:9096,b-2.gamebackend.abcd12.c2.kafka.eu-west-1.amazonaws.com:9096");
            json.WriteStartObject("records");
            foreach (var group in records.GroupBy(r => $"{r.Topic}-{r.Partition}"))
            {
                json.WriteStartArray(group.Key);
                foreach (var record in group)
                {
                    json.WriteStartObject();
                    json.WriteString("topic", record.Topic);
                    json.WriteNumber("partition", record.Partition);
                    json.WriteNumber("offset", record.Offset);
                    json.WriteNumber("timestamp", record.Timestamp ?? 1764072000000 + record.Offset);
                    json.WriteString("timestampType", "CREATE_TIME");
                    if (record.Key is not null)
                    {
                        json.WriteBase64String("key", record.Key);
                    }

                    if (record.Value is not null)
                    {
                        json.WriteBase64String("value", record.Value);
                    }

                    json.WriteStartArray("headers");
                    json.WriteStartObject();
                    json.WriteStartArray("source");
                    foreach (var b in Encoding.UTF8.GetBytes("gamebackend"))
                    {
                        json.WriteNumberValue(b);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
