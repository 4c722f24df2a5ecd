using System.Text;
using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Events;

namespace GameBackend.Core.Analytics;

/// <summary>
/// Why one event of a batch was refused: its position in the request, its id when it had a well-formed one (so a
/// client can match the answer to its queue), a stable code (docs/errors.md, "Telemetry events"), the member at fault
/// and a sentence for humans.
/// </summary>
public sealed record TelemetryEventError(int Index, string? Id, string Code, string? Field, string Detail);

/// <summary>The player whose token sent a batch: every event of it is theirs and their title's, whatever it says.</summary>
public sealed record TelemetrySender(string TitleId, string PlayerId, DateTimeOffset? PlayerSince);

/// <summary>
/// Validates the events of one client request one at a time, as the HTTP layer finds them in the body, and keeps the
/// valid ones as <see cref="BackendEvent"/>s and the others as <see cref="TelemetryEventError"/>s: a bad event costs
/// the client that event, not the batch.
/// </summary>
/// <remarks>
/// <para>The title and the player come from <see cref="TelemetrySender"/> (the access token), never from the event:
/// an event that names a <c>titleId</c>, a <c>playerId</c> or any other member beyond <c>id</c>, <c>name</c>,
/// <c>time</c>, <c>sessionId</c> and <c>properties</c> is refused with <c>unknown_event_field</c>.</para>
/// <para>On the bus a client event's id is <c>{playerId}.{id}</c>. The client's id is unique only for that client,
/// and the backend's own ids (UUIDv7 hex, or derived from public facts such as a session id) contain no '.', so no
/// client can make the consumers, which deduplicate by id, drop another player's or the backend's event as a
/// duplicate. A resent event gets the same bus id, so a retry is counted once.</para>
/// </remarks>
public sealed class TelemetryBatch
{
    /// <summary>Separates the player id from the client's id in the bus id (never in a client id or a backend id).</summary>
    public const char IdSeparator = '.';

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly TelemetrySender _sender;
    private readonly DateTimeOffset _earliest;
    private readonly DateTimeOffset _latest;
    private readonly List<BackendEvent> _accepted;
    private readonly List<TelemetryEventError> _rejected = [];
    private readonly HashSet<string> _ids;

    public TelemetryBatch(TelemetrySender sender, DateTimeOffset now, int expectedEvents = 0)
    {
        ArgumentNullException.ThrowIfNull(sender);
        _sender = sender;
        _earliest = now - TelemetryLimits.MaxEventAge;
        _latest = now + TelemetryLimits.MaxEventTimeAhead;
        var capacity = Math.Clamp(expectedEvents, 0, TelemetryLimits.MaxEventsPerBatch);
        _accepted = new List<BackendEvent>(capacity);
        _ids = new HashSet<string>(capacity, StringComparer.Ordinal);
    }

    /// <summary>Events seen so far, valid or not.</summary>
    public int Count { get; private set; }

    /// <summary>The valid events, in request order, ready for the bus.</summary>
    public IReadOnlyList<BackendEvent> Accepted => _accepted;

    /// <summary>The refused events, in request order.</summary>
    public IReadOnlyList<TelemetryEventError> Rejected => _rejected;

    /// <summary>
    /// Validates the next event of the request: <paramref name="eventJson"/> is one complete, syntactically valid JSON
    /// value (the element of the request's <c>events</c> array, exactly as sent). Returns the error when it is refused.
    /// </summary>
    public TelemetryEventError? Add(ReadOnlySpan<byte> eventJson)
    {
        var index = Count++;
        TelemetryEventError? error;
        BackendEvent? accepted;
        try
        {
            error = Check(eventJson, index, out accepted);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            // A string that is not valid UTF-8 passes the syntax check and fails only when it is decoded.
            error = new(index, null, ErrorCodes.InvalidEvent, null, "The event is not valid UTF-8 JSON.");
            accepted = null;
        }

        if (error is not null)
        {
            _rejected.Add(error);
            return error;
        }

        _accepted.Add(accepted!);
        return null;
    }

    private TelemetryEventError? Check(ReadOnlySpan<byte> json, int index, out BackendEvent? accepted)
    {
        accepted = null;
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new(index, null, ErrorCodes.InvalidEvent, null, "An event is a JSON object.");
        }

        string? id = null, name = null, sessionId = null;
        DateTimeOffset? time = null;
        JsonElement? properties = null;
        Fault? fault = null;
        var seen = Member.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = MemberOf(ref reader);
            if (member == Member.Unknown)
            {
                if (fault is null)
                {
                    var unknown = reader.GetString()!;
                    fault = new(ErrorCodes.UnknownEventField, unknown.Length > 64 ? unknown[..64] : unknown,
                        "The event has a member this API does not know (the title and the player come from the access token).");
                }

                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();

            if ((seen & member) != 0)
            {
                fault ??= new(ErrorCodes.InvalidEvent, NameOf(member), "The member appears twice.");
                reader.Skip();
                continue;
            }

            seen |= member;
            switch (member)
            {
                case Member.Id:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        fault ??= WrongType("id", "a string");
                    }
                    else
                    {
                        id = ReadShortString(ref reader, TelemetryLimits.MaxIdLength);
                        if (id is null || !TelemetryLimits.IsValidId(id))
                        {
                            id = null;
                            fault ??= new(ErrorCodes.InvalidEventId, "id", $"id is 1–{TelemetryLimits.MaxIdLength} characters of A-Z, a-z, 0-9, _ and -.");
                        }
                    }

                    break;
                case Member.Name:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        fault ??= WrongType("name", "a string");
                    }
                    else
                    {
                        name = ReadShortString(ref reader, TelemetryLimits.MaxNameLength);
                        if (name is null || !TelemetryLimits.IsValidName(name))
                        {
                            fault ??= new(ErrorCodes.InvalidEventName, "name", $"name is a-z, then up to {TelemetryLimits.MaxNameLength - 1} of a-z, 0-9 and _.");
                        }
                        else if (TelemetryLimits.ReservedNames.Contains(name))
                        {
                            fault ??= new(ErrorCodes.ReservedEventName, "name", $"{name} is published by the backend itself; clients may not send it.");
                        }
                    }

                    break;
                case Member.Time:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        fault ??= WrongType("time", "a string");
                    }
                    else if (ReadTime(ref reader) is { } parsed)
                    {
                        time = parsed;
                        if (parsed < _earliest || parsed > _latest)
                        {
                            fault ??= new(ErrorCodes.EventTimeOutOfRange, "time",
                                $"time is more than {TelemetryLimits.MaxEventAge.TotalDays:0} days before or {TelemetryLimits.MaxEventTimeAhead.TotalMinutes:0} minutes after the server's clock.");
                        }
                    }
                    else
                    {
                        fault ??= new(ErrorCodes.InvalidEventTime, "time", "time is an RFC 3339 date-time with an offset, for example 2025-03-01T12:00:00.000Z.");
                    }

                    break;
                case Member.SessionId:
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        fault ??= WrongType("sessionId", "a string or null");
                        break;
                    }

                    sessionId = ReadShortString(ref reader, TelemetryLimits.MaxSessionIdLength);
                    if (sessionId is null || !TelemetryLimits.IsValidId(sessionId))
                    {
                        fault ??= new(ErrorCodes.InvalidSessionId, "sessionId", $"sessionId is 1–{TelemetryLimits.MaxSessionIdLength} characters of A-Z, a-z, 0-9, _ and -.");
                    }

                    break;
                default:
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        fault ??= WrongType("properties", "an object or null");
                        break;
                    }

                    var start = (int)reader.TokenStartIndex;
                    var propertyFault = CheckProperties(ref reader);
                    if (propertyFault is not null)
                    {
                        fault ??= propertyFault;
                    }
                    else if (fault is null)
                    {
                        var end = (int)reader.BytesConsumed;
                        var slice = new Utf8JsonReader(json[start..end], ReaderOptions);
                        properties = JsonElement.ParseValue(ref slice);
                    }

                    break;
            }

            // A member of the wrong type may be an object or an array: step over all of it.
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        if (json.Length > TelemetryLimits.MaxEventBytes)
        {
            fault = new(ErrorCodes.EventTooLarge, null, $"The event is larger than {TelemetryLimits.MaxEventBytes} bytes.");
        }
        else if (fault is null && (seen & Member.Required) != Member.Required)
        {
            var missing = string.Join(", ", new[] { Member.Id, Member.Name, Member.Time }.Where(m => (seen & m) == 0).Select(NameOf));
            fault = new(ErrorCodes.MissingEventField, missing, $"The event lacks required members: {missing}.");
        }

        // Every well-formed id counts, so any reuse of an id within a request is reported, whichever event is valid.
        if (id is not null && !_ids.Add(id) && fault is null)
        {
            fault = new(ErrorCodes.DuplicateEventId, "id", "An earlier event of this request has the same id.");
        }

        if (fault is { } f)
        {
            return new(index, id, f.Code, f.Field, f.Detail);
        }

        accepted = new BackendEvent(
            _sender.TitleId,
            string.Concat(_sender.PlayerId, ".", id),
            name!,
            time!.Value,
            _sender.PlayerId,
            sessionId,
            properties,
            _sender.PlayerSince);
        return null;
    }

    /// <summary>
    /// Walks <c>properties</c> (the reader on its StartObject) to its EndObject: at most 32 members, names of 1–64
    /// characters given once, values that are strings of at most 256 characters, finite numbers, booleans or null.
    /// </summary>
    private static Fault? CheckProperties(ref Utf8JsonReader reader)
    {
        Fault? fault = null;
        var keys = new List<string>();
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            var key = reader.GetString()!;
            reader.Read();
            if (fault is not null)
            {
                reader.Skip();
                continue;
            }

            if (keys.Count == TelemetryLimits.MaxProperties)
            {
                fault = InvalidProperties("properties", $"properties has more than {TelemetryLimits.MaxProperties} members.");
            }
            else if (key.Length is 0 or > TelemetryLimits.MaxPropertyKeyLength)
            {
                fault = InvalidProperties("properties", $"A property name is 1–{TelemetryLimits.MaxPropertyKeyLength} characters.");
            }
            else if (keys.Contains(key, StringComparer.Ordinal))
            {
                fault = InvalidProperties("properties." + key, "The property appears twice.");
            }
            else
            {
                keys.Add(key);
                fault = reader.TokenType switch
                {
                    JsonTokenType.String => StringLength(ref reader) switch
                    {
                        < 0 => InvalidProperties("properties." + key, "A string property is not valid UTF-8."),
                        > TelemetryLimits.MaxStringValueLength => InvalidProperties("properties." + key, $"A string property is at most {TelemetryLimits.MaxStringValueLength} characters."),
                        _ => null,
                    },
                    JsonTokenType.Number => reader.TryGetDouble(out var number) && double.IsFinite(number)
                        ? null
                        : InvalidProperties("properties." + key, "A number property is a finite double."),
                    JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null => null,
                    _ => InvalidProperties("properties." + key, "A property is a string, a number, a boolean or null (no objects or arrays)."),
                };
            }

            reader.Skip();
        }

        return fault;
    }

    private static Fault InvalidProperties(string field, string detail) => new(ErrorCodes.InvalidEventProperties, field, detail);

    private static Fault WrongType(string field, string expected) => new(ErrorCodes.InvalidEvent, field, $"{field} is {expected}.");

    /// <summary>
    /// The string's length in UTF-16 code units, or -1 when it is not valid UTF-8 (the reader checks syntax, not
    /// encoding, and a value kept as raw JSON would otherwise carry the bad bytes to every consumer). The usual
    /// unescaped value is checked in place, without allocating.
    /// </summary>
    private static int StringLength(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var span = reader.ValueSpan;
            if (!System.Text.Unicode.Utf8.IsValid(span))
            {
                return -1;
            }

            // UTF-8 never takes fewer bytes than UTF-16 code units, so a short value needs no counting.
            return span.Length <= TelemetryLimits.MaxStringValueLength ? span.Length : Encoding.UTF8.GetCharCount(span);
        }

        return reader.GetString()!.Length; // decoding throws on invalid UTF-8; Add reports that as invalid_event
    }

    /// <summary>The string value, or null when it is longer than <paramref name="maxLength"/> characters.</summary>
    private static string? ReadShortString(ref Utf8JsonReader reader, int maxLength)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (raw > maxLength * 6)
        {
            return null; // even fully escaped, this cannot be short enough
        }

        var value = reader.GetString()!;
        return value.Length <= maxLength ? value : null;
    }

    /// <summary>
    /// An RFC 3339 date-time with an explicit offset ('Z' or ±hh:mm). Without one the time would be read in the
    /// server's zone, so it is refused rather than guessed.
    /// </summary>
    private static DateTimeOffset? ReadTime(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length is < 20 or > 40)
        {
            return null;
        }

        var text = reader.ValueSpan;
        var t = text.IndexOfAny((byte)'T', (byte)'t');
        if (t < 0)
        {
            return null;
        }

        var clock = text[(t + 1)..];
        var hasOffset = clock[^1] is (byte)'Z' or (byte)'z' || (clock.Length > 6 && clock[^6] is (byte)'+' or (byte)'-' && clock[^3] == (byte)':');
        return hasOffset && reader.TryGetDateTimeOffset(out var value) ? value : null;
    }

    private static Member MemberOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("id"u8))
        {
            return Member.Id;
        }

        if (reader.ValueTextEquals("name"u8))
        {
            return Member.Name;
        }

        if (reader.ValueTextEquals("time"u8))
        {
            return Member.Time;
        }

        if (reader.ValueTextEquals("sessionId"u8))
        {
            return Member.SessionId;
        }

        return reader.ValueTextEquals("properties"u8) ? Member.Properties : Member.Unknown;
    }

    private static string NameOf(Member member) => member switch
    {
        Member.Id => "id",
        Member.Name => "name",
        Member.Time => "time",
        Member.SessionId => "sessionId",
        _ => "properties",
    };

    [Flags]
    private enum Member
    {
        None = 0,
        Id = 1,
        Name = 2,
        Time = 4,
        SessionId = 8,
        Properties = 16,
        Unknown = 32,
        Required = Id | Name | Time,
    }

    private sealed record Fault(string Code, string? Field, string Detail);
}
