using System.Text;
using System.Text.Json;
using GameBackend.Core.Analytics;

namespace GameBackend.Hosts.Azure;

/// <summary>
/// Turns the Kafka trigger's <c>Data.events</c> (cardinality many, dataType string) into Core's raw records. The
/// Functions host hands a custom handler a <c>string[]</c> trigger value JSON-encoded as one string, and the Kafka
/// extension turns each record whose value is text into its whole KafkaEventData as JSON; so the value is a string
/// holding an array of strings, each holding an object with Offset, Partition, Topic, Key and Value. An array instead
/// of the outer string, and objects instead of the inner strings, are read the same way.
/// </summary>
/// <remarks>
/// A batch that does not have that shape is a contract break (a wrong dataType, a changed extension), not bad data: it
/// throws, the invocation fails and the batch is retried rather than silently skipped. A record whose value is not an
/// event is passed on as it is; Core's handler counts it as malformed.
/// </remarks>
internal static class KafkaTriggerBatch
{
    public static IReadOnlyList<EventRecord> Parse(JsonElement data)
    {
        var batch = data;
        if (batch.ValueKind == JsonValueKind.String)
        {
            batch = ParseJson(batch.GetString()!, "the trigger value");
        }

        if (batch.ValueKind != JsonValueKind.Array)
        {
            throw new KafkaBatchFormatException($"The trigger value is a JSON {batch.ValueKind}, not an array of records (is dataType \"string\" and cardinality \"many\"?).");
        }

        var records = new List<EventRecord>(batch.GetArrayLength());
        var index = 0;
        foreach (var item in batch.EnumerateArray())
        {
            var element = item.ValueKind == JsonValueKind.String ? ParseJson(item.GetString()!, $"record {index}") : item;
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new KafkaBatchFormatException($"Record {index} is a JSON {element.ValueKind}, not a KafkaEventData object (is dataType \"string\"?).");
            }

            var record = element.Deserialize(CustomHandlerJsonContext.Default.KafkaEventData)
                ?? throw new KafkaBatchFormatException($"Record {index} is null.");
            if (record.Offset is not { } offset || record.Partition is not { } partition || string.IsNullOrEmpty(record.Topic))
            {
                throw new KafkaBatchFormatException($"Record {index} lacks its Topic, Partition or Offset.");
            }

            records.Add(new EventRecord(record.Topic, partition, offset, Bytes(record.Key), Bytes(record.Value)));
            index++;
        }

        return records;
    }

    /// <summary>Text as its UTF-8 bytes (what the producer sent); any other JSON as its raw text; null as nothing.</summary>
    private static byte[] Bytes(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => [],
        JsonValueKind.String => Encoding.UTF8.GetBytes(value.GetString()!),
        _ => Encoding.UTF8.GetBytes(value.GetRawText()),
    };

    private static JsonElement ParseJson(string json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new KafkaBatchFormatException($"{what} is a string that is not JSON: {ex.Message}", ex);
        }
    }
}

/// <summary>The Kafka trigger's payload does not have the shape the function.json promises.</summary>
internal sealed class KafkaBatchFormatException : Exception
{
    public KafkaBatchFormatException(string message)
        : base(message)
    {
    }

    public KafkaBatchFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
