using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.DynamoDb;

/// <summary>
/// The single-table item layout. Every item of every title lives in one table:
/// <list type="table">
/// <item><term>pk (S)</term><description>the partition key: the title id's length, the title id and the partition
/// (<c>36:0199…#inventory</c>). The length prefix makes the encoding unambiguous whatever characters a title id holds,
/// so no key of one title can ever equal a key of another.</description></item>
/// <item><term>sk (S)</term><description>the sort key as given; DynamoDB orders S keys by their UTF-8 bytes, the port's order.</description></item>
/// <item><term>version (S)</term><description>opaque, a fresh UUIDv7 on every write, so a version from before a delete never matches the recreated item.</description></item>
/// <item><term>body (B)</term><description>the UTF-8 JSON body, byte for byte.</description></item>
/// <item><term>expiresAt (N)</term><description>the exact expiry in UTC ticks (100 ns since 0001-01-01); reads and conditions judge expiry by it.</description></item>
/// <item><term>ttl (N)</term><description>the expiry in epoch seconds, rounded up, for DynamoDB's TTL deletion, which is lazy (often hours, up to days).</description></item>
/// </list>
/// </summary>
internal static class DynamoDbItem
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string Version = "version";
    public const string Body = "body";
    public const string ExpiresAt = "expiresAt";
    public const string TimeToLive = "ttl";

    /// <summary>DynamoDB's limits on key attribute values.</summary>
    public const int MaxPartitionKeyBytes = 2048;

    /// <inheritdoc cref="MaxPartitionKeyBytes"/>
    public const int MaxSortKeyBytes = 1024;

    /// <summary>TransactWriteItems refuses requests whose items add up to more than 4 MB (counted in decimal here, to be safe).</summary>
    public const int MaxTransactionBytes = 4_000_000;

    /// <summary>Keys, attribute names, version and expiry of one item, rounded up: what an item holds beside its body.</summary>
    public const int MaxOverheadBytes = MaxPartitionKeyBytes + MaxSortKeyBytes + 128;

    public static string PartitionKeyOf(string titleId, string partition) =>
        string.Concat(titleId.Length.ToString(CultureInfo.InvariantCulture), ":", titleId, "#", partition);

    public static int PartitionKeyByteCount(string titleId, string partition) =>
        Encoding.UTF8.GetByteCount(PartitionKeyOf(titleId, partition));

    public static Dictionary<string, AttributeValue> KeyOf(in ItemKey key) => new(2)
    {
        [PartitionKey] = new AttributeValue { S = PartitionKeyOf(key.TitleId, key.Partition) },
        [SortKey] = new AttributeValue { S = key.SortKey },
    };

    public static Dictionary<string, AttributeValue> ToAttributes(NewItem item, string version)
    {
        var attributes = KeyOf(item.Key);
        attributes[Version] = new AttributeValue { S = version };
        attributes[Body] = new AttributeValue { B = new MemoryStream(item.Body, writable: false) };
        if (item.ExpiresAt is { } expiresAt)
        {
            attributes[ExpiresAt] = Number(expiresAt.UtcTicks);
            attributes[TimeToLive] = Number(TimeToLiveSeconds(expiresAt));
        }

        return attributes;
    }

    /// <summary>Rounded up, so DynamoDB never deletes an item before the instant it expires.</summary>
    public static long TimeToLiveSeconds(DateTimeOffset expiresAt)
    {
        var ticksSinceEpoch = expiresAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticksSinceEpoch, TimeSpan.TicksPerSecond, out var remainder);
        return remainder > 0 ? seconds + 1 : seconds;
    }

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>A fresh version: unique across hosts and writes, so every write can be told from every other.</summary>
    public static string NewVersion() => Guid.CreateVersion7().ToString("N");

    public static string? VersionOf(Dictionary<string, AttributeValue>? attributes) =>
        attributes is not null && attributes.TryGetValue(Version, out var version) ? version.S : null;

    /// <summary>True when the stored item has an expiry at or before <paramref name="nowTicks"/>.</summary>
    public static bool IsExpired(Dictionary<string, AttributeValue> attributes, long nowTicks) =>
        ExpiresAtTicks(attributes) is { } expiresAt && expiresAt <= nowTicks;

    /// <summary>Null when the item is absent or expired: the port treats both alike.</summary>
    public static Dictionary<string, AttributeValue>? LiveOrNull(Dictionary<string, AttributeValue>? attributes, long nowTicks) =>
        attributes is null || attributes.Count == 0 || IsExpired(attributes, nowTicks) ? null : attributes;

    public static StoredItem ToStoredItem(in ItemKey key, Dictionary<string, AttributeValue> attributes)
    {
        var body = attributes.TryGetValue(Body, out var stored) && stored.B is { } stream ? stream.ToArray() : [];
        var expiresAt = ExpiresAtTicks(attributes) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : (DateTimeOffset?)null;
        return new StoredItem(key, body, VersionOf(attributes) ?? string.Empty, expiresAt);
    }

    private static long? ExpiresAtTicks(Dictionary<string, AttributeValue> attributes) =>
        attributes.TryGetValue(ExpiresAt, out var value) && value.N is { } number
            ? long.Parse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : null;
}
