using System.Diagnostics.CodeAnalysis;
using GameBackend.Core.Analytics;

namespace GameBackend.Hosts.Aws;

/// <summary>Turns Lambda's Kafka batch into Core's <see cref="EventRecord"/>s: base64 decoded, partitions in key order, offsets in delivery order.</summary>
internal static class KafkaRecords
{
    public static bool TryTranslate(
        Dictionary<string, List<KafkaEventRecord>> groups,
        out List<EventRecord> records,
        [NotNullWhen(false)] out string? error)
    {
        records = new List<EventRecord>(groups.Values.Sum(static group => group?.Count ?? 0));
        error = null;
        foreach (var (group, items) in groups.OrderBy(static pair => pair.Key, StringComparer.Ordinal))
        {
            if (items is null)
            {
                error = $"Group \"{group}\" holds no record list.";
                return false;
            }

            foreach (var item in items)
            {
                if (item is null || string.IsNullOrEmpty(item.Topic) || item.Partition < 0 || item.Offset < 0)
                {
                    error = $"A record of group \"{group}\" lacks its topic, partition or offset.";
                    return false;
                }

                if (!TryDecode(item.Key, out var key) || !TryDecode(item.Value, out var value))
                {
                    error = $"Record {item.Topic}-{item.Partition}@{item.Offset} has a key or value that is not base64.";
                    return false;
                }

                records.Add(new EventRecord(item.Topic, item.Partition, item.Offset, key, value));
            }
        }

        return true;
    }

    /// <summary>An absent key or value (null key, tombstone) becomes empty bytes; Core counts a record it cannot decode as malformed.</summary>
    private static bool TryDecode(string? base64, out ReadOnlyMemory<byte> bytes)
    {
        if (string.IsNullOrEmpty(base64))
        {
            bytes = ReadOnlyMemory<byte>.Empty;
            return true;
        }

        var buffer = new byte[base64.Length / 4 * 3 + 3];
        if (Convert.TryFromBase64String(base64, buffer, out var written))
        {
            bytes = buffer.AsMemory(0, written);
            return true;
        }

        bytes = default;
        return false;
    }
}
