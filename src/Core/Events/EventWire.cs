using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

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
    /// <remarks>
    /// One <see cref="Utf8JsonReader"/> pass instead of the serializer: the properties stay the UTF-8 bytes of their JSON
    /// value (<see cref="BackendEvent.Properties"/> parses them when read), which saves a <see cref="JsonDocument"/> per
    /// event. It reads what <see cref="Encode"/> writes and everything the serializer read before (members in any
    /// order, unknown members ignored, a repeated member's last value, nulls for the optional members), and refuses
    /// what it refused (another JSON token where a string or a time belongs, trailing content, comments), and any value
    /// that is not valid UTF-8.
    /// </remarks>
    public static BackendEvent? TryDecode(ReadOnlySpan<byte> value)
    {
        if (!Utf8.IsValid(value))
        {
            return null;
        }

        try
        {
            return Read(value);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BackendEvent? Read(ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? titleId = null, id = null, name = null, playerId = null, sessionId = null;
        DateTimeOffset? time = null, playerSince = null;
        byte[]? properties = null;
        var ok = true;
        while (ok && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("titleId"u8))
            {
                ok = ReadString(ref reader, out titleId);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                ok = ReadString(ref reader, out id);
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                ok = ReadString(ref reader, out name);
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                ok = ReadTime(ref reader, out time) && time is not null;
            }
            else if (reader.ValueTextEquals("playerId"u8))
            {
                ok = ReadString(ref reader, out playerId);
            }
            else if (reader.ValueTextEquals("sessionId"u8))
            {
                ok = ReadString(ref reader, out sessionId);
            }
            else if (reader.ValueTextEquals("properties"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                properties = reader.TokenType == JsonTokenType.Null ? null : value[start..(int)reader.BytesConsumed].ToArray();
            }
            else if (reader.ValueTextEquals("playerSince"u8))
            {
                ok = ReadTime(ref reader, out playerSince);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // The loop ends at the object's end; anything after it but whitespace makes the reader throw.
        if (!ok || reader.TokenType != JsonTokenType.EndObject || reader.Read()
            || titleId is not { Length: > 0 } || id is not { Length: > 0 } || name is not { Length: > 0 } || time is not { } at)
        {
            return null;
        }

        return BackendEvent.FromWire(titleId, id, name, at, playerId, sessionId, properties, playerSince);
    }

    // A string member's value: a string or null; false for any other token.
    private static bool ReadString(ref Utf8JsonReader reader, out string? text)
    {
        reader.Read();
        text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    // A time member's value: an ISO 8601 string (as the serializer reads it) or null; false for anything else.
    private static bool ReadTime(ref Utf8JsonReader reader, out DateTimeOffset? time)
    {
        reader.Read();
        time = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BackendEvent))]
internal sealed partial class EventWireJsonContext : JsonSerializerContext;
