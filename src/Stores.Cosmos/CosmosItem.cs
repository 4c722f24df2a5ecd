using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GameBackend.Core.Storage;

namespace GameBackend.Stores.Cosmos;

/// <summary>
/// The item layout. Every item of every title lives in one container partitioned on <c>/pk</c>:
/// <list type="table">
/// <item><term>pk</term><description>the logical partition: the title id's length, the title id and the partition
/// (<c>36:0199…#inventory</c>). The length prefix makes the encoding unambiguous whatever characters a title id holds,
/// so no key of one title can ever equal a key of another.</description></item>
/// <item><term>id</term><description>the sort key made safe for Cosmos ids, which may not hold '/', '\', '?' or '#' and are
/// at most 1,023 bytes: letters, digits, '-' and '_' stay, every other UTF-8 byte becomes <c>~XX</c>; a key whose escaped
/// form is longer than the limit becomes <c>~~</c> and the SHA-256 of its UTF-8 bytes. Ids are never read back: the sort
/// key is in <c>sk</c>.</description></item>
/// <item><term>sk</term><description>the sort key as given.</description></item>
/// <item><term>skHex</term><description>the sort key's UTF-8 bytes in lowercase hex. Queries filter and ORDER BY it: an
/// ASCII string compares the same under every collation, and hex keeps byte order and prefixes, so the port's order
/// (UTF-8 byte order) holds on Cosmos DB and its test server alike, which compare strings by UTF-16 units.</description></item>
/// <item><term>ver</term><description>the port's version: a fresh UUIDv7 per write. Not <c>_etag</c>, which changes on the
/// write that checks a version inside a transaction (see <see cref="CosmosDocumentStore"/>); <c>_etag</c> guards every write.</description></item>
/// <item><term>body</term><description>the body, base64: bodies are bytes (usually UTF-8 JSON), and base64 keeps them exact
/// with a predictable size (4/3), which the 2 MB transactional-batch limit is checked against.</description></item>
/// <item><term>exp</term><description>the exact expiry, ISO 8601 UTC with seven fraction digits (the format Cosmos DB recommends
/// for date range queries: it sorts as text); absent when the item never expires.</description></item>
/// <item><term>ttl</term><description>seconds from the write until Cosmos DB may delete the item, rounded up; absent when it never
/// expires (the container's default TTL is -1: on, but no expiry unless an item says so).</description></item>
/// </list>
/// </summary>
internal static class CosmosItem
{
    public const string PartitionKeyPath = "/pk";

    /// <summary>Cosmos DB's limit on an id (bytes).</summary>
    public const int MaxIdBytes = 1023;

    /// <summary>Cosmos DB's limit on a partition key value with large partition keys (hash v2).</summary>
    public const int MaxPartitionKeyBytes = 2048;

    private const string ExpiryFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Pk = JsonEncodedText.Encode("pk");
    private static readonly JsonEncodedText Sk = JsonEncodedText.Encode("sk");
    private static readonly JsonEncodedText SkHex = JsonEncodedText.Encode("skHex");
    private static readonly JsonEncodedText Ver = JsonEncodedText.Encode("ver");
    private static readonly JsonEncodedText Body = JsonEncodedText.Encode("body");
    private static readonly JsonEncodedText Exp = JsonEncodedText.Encode("exp");
    private static readonly JsonEncodedText Ttl = JsonEncodedText.Encode("ttl");

    public static string PartitionKeyOf(string titleId, string partition) =>
        string.Concat(titleId.Length.ToString(CultureInfo.InvariantCulture), ":", titleId, "#", partition);

    public static int PartitionKeyByteCount(string titleId, string partition) =>
        Encoding.UTF8.GetByteCount(PartitionKeyOf(titleId, partition));

    /// <summary>The Cosmos id of a sort key: reversible escaping when it fits, a hash otherwise (the two forms cannot meet:
    /// an escaped id never holds "~~").</summary>
    public static string IdOf(string sortKey)
    {
        var bytes = Encoding.UTF8.GetBytes(sortKey);
        var builder = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }

            if (builder.Length > MaxIdBytes)
            {
                return "~~" + Convert.ToHexStringLower(SHA256.HashData(bytes));
            }
        }

        return builder.ToString();
    }

    /// <summary>Lowercase hex of the UTF-8 bytes: same order and same prefixes as the bytes themselves.</summary>
    public static string HexOf(string sortKey) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(sortKey));

    public static string FormatExpiry(DateTimeOffset expiresAt) => expiresAt.UtcDateTime.ToString(ExpiryFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseExpiry(string text) =>
        new(DateTime.ParseExact(text, ExpiryFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    /// <summary>Rounded up, so Cosmos DB never deletes an item before the instant it expires; at least 1 (Cosmos refuses 0).</summary>
    public static int TimeToLiveSeconds(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var ticks = (expiresAt - now).Ticks;
        if (ticks <= 0)
        {
            return 1;
        }

        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder) + (remainder > 0 ? 1 : 0);
        return (int)Math.Min(seconds, int.MaxValue);
    }

    /// <summary>The item's JSON document, written by hand (no serializer, no reflection).</summary>
    public static byte[] ToDocument(NewItem item, string version, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(((item.Body.Length + 2) / 3 * 4) + 512 + (item.Key.SortKey.Length * 12));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(Id, IdOf(item.Key.SortKey));
            writer.WriteString(Pk, PartitionKeyOf(item.Key.TitleId, item.Key.Partition));
            writer.WriteString(Sk, item.Key.SortKey);
            writer.WriteString(SkHex, HexOf(item.Key.SortKey));
            writer.WriteString(Ver, version);
            writer.WriteBase64String(Body, item.Body);
            if (item.ExpiresAt is { } expiresAt)
            {
                writer.WriteString(Exp, FormatExpiry(expiresAt));
                writer.WriteNumber(Ttl, TimeToLiveSeconds(expiresAt, now));
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A new random version: unique across hosts and writes, so a version from before a delete never matches again.</summary>
    public static string NewVersion() => Guid.CreateVersion7().ToString("N");
}

/// <summary>What the store reads back of a stored document; <see cref="Body"/> is null when the read left it out.</summary>
internal sealed record CosmosDocument(string SortKey, string Version, string ETag, byte[]? Body, DateTimeOffset? ExpiresAt)
{
    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt is not { } expiresAt || expiresAt > now;

    public StoredItem ToStoredItem(string titleId, string partition) =>
        new(new ItemKey(titleId, partition, SortKey), Body ?? [], Version, ExpiresAt);

    public static CosmosDocument Parse(JsonElement element)
    {
        string? sortKey = null, version = null, etag = null, expiry = null;
        byte[]? body = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "sk":
                    sortKey = property.Value.GetString();
                    break;
                case "ver":
                    version = property.Value.GetString();
                    break;
                case "_etag":
                    etag = property.Value.GetString();
                    break;
                case "body":
                    body = property.Value.GetBytesFromBase64();
                    break;
                case "exp" when property.Value.ValueKind == JsonValueKind.String:
                    expiry = property.Value.GetString();
                    break;
            }
        }

        if (sortKey is null || version is null)
        {
            throw new InvalidDataException("A document in the container lacks 'sk' or 'ver': it was not written by this store.");
        }

        return new CosmosDocument(sortKey, version, etag ?? string.Empty, body, expiry is null ? null : CosmosItem.ParseExpiry(expiry));
    }

    public static async Task<CosmosDocument> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(content, default, cancellationToken);
        return Parse(document.RootElement);
    }

    /// <summary>The documents of one query page (<c>{"Documents":[...]}</c>).</summary>
    public static async Task<List<CosmosDocument>> ReadPageAsync(Stream content, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(content, default, cancellationToken);
        var documents = new List<CosmosDocument>();
        if (document.RootElement.TryGetProperty("Documents", out var array))
        {
            foreach (var element in array.EnumerateArray())
            {
                documents.Add(Parse(element));
            }
        }

        return documents;
    }
}
