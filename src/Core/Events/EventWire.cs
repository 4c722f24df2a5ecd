using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GameBackend.Core.Events;

/// <summary>
/// How a <see cref="BackendEvent"/> travels as bytes: the record value is the event as camelCase JSON, the record key
/// is <c>{titleId}/{playerId}</c> (or <c>{titleId}/-{sessionId or id}</c> for events without a player), so every bus
/// that partitions by key keeps one player's events in order. One format for every bus and every host, so the ingest
/// handler reads Kafka records, Lambda's base64 records and Azure's trigger payloads the same way.
/// </summary>
public static class EventWire
{
    /// <summary>The event as the record value.</summary>
    public static byte[] Encode(BackendEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, EventWireJsonContext.Default.BackendEvent);

    /// <summary>The record key: the title and the player, so a player's events stay in one partition and in order.</summary>
    public static byte[] Key(BackendEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var owner = e.PlayerId ?? "-" + (e.SessionId ?? e.Id);
        return Encoding.UTF8.GetBytes(e.TitleId + "/" + owner);
    }

    /// <summary>Reads a record value; null when it is not an event (malformed JSON or missing required members).</summary>
    public static BackendEvent? TryDecode(ReadOnlySpan<byte> value)
    {
        try
        {
            var e = JsonSerializer.Deserialize(value, EventWireJsonContext.Default.BackendEvent);
            return e is { TitleId.Length: > 0, Id.Length: > 0, Name.Length: > 0 } ? e : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BackendEvent))]
internal sealed partial class EventWireJsonContext : JsonSerializerContext;
