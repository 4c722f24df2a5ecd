using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Sessions;

/// <summary>
/// What a relay reports every <see cref="RelayRegistry.HeartbeatInterval"/>. <see cref="Capacity"/> and
/// <see cref="Load"/> are in the relay's own unit (the backend only compares them; a fractional load is allowed so a
/// relay may weigh its load); <see cref="Events"/> are the session lifecycle events since the last heartbeat the
/// backend accepted.
/// </summary>
public sealed record RelayHeartbeat(
    string RelayId,
    string Region,
    string Endpoint,
    int Capacity,
    double Load,
    int Sessions,
    int Members,
    string Version,
    bool Draining,
    IReadOnlyList<RelaySessionEvent> Events);

/// <summary>A session started or ended on a relay; <see cref="DurationSeconds"/> is set on <c>session_ended</c>.</summary>
public sealed record RelaySessionEvent(string Name, string SessionId, DateTimeOffset Time, int Members, double? DurationSeconds);

/// <summary>A relay as the registry holds it: its last heartbeat, when the backend received it, and until when it counts as alive.</summary>
public sealed record RegisteredRelay(
    string RelayId,
    string Region,
    string Endpoint,
    int Capacity,
    double Load,
    int Sessions,
    int Members,
    string Version,
    bool Draining,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Alive, taking new sessions, and below capacity.</summary>
    public bool IsHealthyAt(DateTimeOffset now) => ExpiresAt > now && !Draining && Load < Capacity;
}

/// <summary>The names of the session events relays report; stable, because analytics and dashboards key on them.</summary>
public static class SessionEventNames
{
    /// <summary>The first member joined a session on a relay; properties: relay, region, members.</summary>
    public const string SessionStarted = "session_started";

    /// <summary>A session closed (empty or expired); properties: relay, region, members, durationSeconds.</summary>
    public const string SessionEnded = "session_ended";
}

/// <summary>The properties of a <see cref="SessionEventNames"/> event on the bus.</summary>
public sealed record SessionEventProperties(string Relay, string Region, int Members, double? DurationSeconds);

/// <summary>The properties of <c>relay_heartbeat</c>: the relay's open sessions and connected members (concurrent users) as it reported them.</summary>
public sealed record RelayHeartbeatProperties(string Relay, string Region, int Sessions, int Members);

/// <summary>
/// The relay registry: relays announce themselves with signed heartbeats, the registry keeps each one as an expiring
/// item (partition <c>relays</c>, sort key = relay id) and passes their session events on to the event bus.
/// </summary>
/// <remarks>
/// <para>A relay that stops sending heartbeats disappears by itself after <see cref="Lifetime"/> (three intervals, so
/// one lost heartbeat is not an outage); the store treats the expired item as absent, so nothing has to sweep.</para>
/// <para>A heartbeat's state is stored before its events are published, so a bus outage does not also take relays out
/// of allocation. When the bus refuses the events the heartbeat fails with <see cref="ErrorCodes.EventBusUnavailable"/>
/// and the relay resends them; each event's id is derived from (title, name, session, time), so a resent or replayed
/// event carries the same id and consumers, which deduplicate by id, count it once.</para>
/// <para>Every accepted heartbeat also publishes a <c>relay_heartbeat</c> event (sessions and members: the source of
/// concurrent users over time) in the same publish call. Alone, it is best effort (<see cref="BestEffortEventPublisher"/>):
/// a refusing bus does not fail a heartbeat that carries no session events.</para>
/// <para>A heartbeat signed earlier than the one stored (a replay, or a delayed retry) does not overwrite the newer state.</para>
/// </remarks>
public sealed class RelayRegistry
{
    /// <summary>How often relays send heartbeats (told to them in every answer).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long after its last heartbeat a relay still counts as alive.</summary>
    public static readonly TimeSpan Lifetime = HeartbeatInterval * 3;

    /// <summary>Events in one heartbeat, at most.</summary>
    public const int MaxEvents = 1000;

    /// <summary>A heartbeat body's byte limit: 1,000 events of ~170 bytes with room to spare.</summary>
    public const int MaxHeartbeatBytes = 256 * 1024;

    /// <summary>Relays a title may have alive at once that allocation and listings consider.</summary>
    public const int MaxListedRelays = 2000;

    internal const string Partition = "relays";

    private const int MaxWriteAttempts = 8;

    private readonly IDocumentStore _store;
    private readonly BestEffortEventPublisher _events;
    private readonly TimeProvider _time;

    public RelayRegistry(IDocumentStore store, BestEffortEventPublisher events, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Validates and records a heartbeat signed at <paramref name="signedAt"/>, then publishes its events. Invalid input
    /// changes nothing (<see cref="ErrorCodes.InvalidRelayHeartbeat"/>, Details["field"] names the member at fault).
    /// </summary>
    public async Task<Result<RegisteredRelay>> HeartbeatAsync(string titleId, RelayHeartbeat heartbeat, DateTimeOffset signedAt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var now = _time.GetUtcNow();
        if (RelayRules.Check(heartbeat, now) is { } invalid)
        {
            return invalid;
        }

        var stored = await StoreAsync(titleId, heartbeat, signedAt, now, ct);
        if (!stored.IsSuccess)
        {
            return stored;
        }

        var events = new BackendEvent[heartbeat.Events.Count + 1];
        for (var i = 0; i < heartbeat.Events.Count; i++)
        {
            var e = heartbeat.Events[i];
            var properties = JsonSerializer.SerializeToElement(
                new SessionEventProperties(heartbeat.RelayId, heartbeat.Region, e.Members, e.DurationSeconds),
                SessionEventJsonContext.Default.SessionEventProperties);
            events[i] = new BackendEvent(titleId, EventId(titleId, e), e.Name, e.Time, null, e.SessionId, properties);
        }

        events[^1] = HeartbeatEvent(titleId, heartbeat, signedAt);
        if (heartbeat.Events.Count == 0)
        {
            // The heartbeat's own sample alone: best effort, a bus outage must not take the relay out of allocation.
            await _events.PublishAsync(events, ct);
            return stored;
        }

        try
        {
            await _events.Bus.PublishAsync(events, ct);
        }
        catch (EventBusUnavailableException)
        {
            return Error.Unavailable(ErrorCodes.EventBusUnavailable, "The event bus did not accept the session events; send them again.");
        }

        return stored;
    }

    /// <summary>The title's live relays (expired ones are absent), in relay-id order.</summary>
    public async Task<IReadOnlyList<RegisteredRelay>> ListAsync(string titleId, CancellationToken ct = default)
    {
        var relays = new List<RegisteredRelay>();
        string? continuation = null;
        do
        {
            var page = await _store.QueryAsync(new Query(titleId, Partition, SortKeyCondition.All, Limit: Query.MaxLimit, ContinuationToken: continuation), ct);
            foreach (var item in page.Items)
            {
                relays.Add(Deserialize(item).ToRelay(item.ExpiresAt ?? DateTimeOffset.MaxValue));
                if (relays.Count >= MaxListedRelays)
                {
                    return relays;
                }
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);

        return relays;
    }

    internal static ItemKey Key(string titleId, string relayId) => new(titleId, Partition, relayId);

    /// <summary>
    /// <c>relay_heartbeat</c>: the relay's sessions and members when it signed the heartbeat (the concurrent-users
    /// source). Its id is derived from (title, relay, signing second) like <see cref="EventId(string, RelaySessionEvent)"/>,
    /// so a replayed or resent heartbeat carries the same id and is counted once.
    /// </summary>
    internal static BackendEvent HeartbeatEvent(string titleId, RelayHeartbeat heartbeat, DateTimeOffset signedAt)
    {
        var properties = JsonSerializer.SerializeToElement(
            new RelayHeartbeatProperties(heartbeat.RelayId, heartbeat.Region, heartbeat.Sessions, heartbeat.Members),
            SessionEventJsonContext.Default.RelayHeartbeatProperties);
        var id = EventId(titleId, new RelaySessionEvent(BackendEventNames.RelayHeartbeat, heartbeat.RelayId, signedAt, 0, null));
        return new BackendEvent(titleId, id, BackendEventNames.RelayHeartbeat, signedAt, null, null, properties);
    }

    /// <summary>
    /// A UUIDv7-shaped id that is the same every time the relay reports the same event: the event's time in the first
    /// 48 bits (so ids still sort by time) and a hash of title, name and session in the rest.
    /// </summary>
    internal static string EventId(string titleId, RelaySessionEvent e)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', titleId, e.Name, e.SessionId)), hash);
        Span<byte> id = stackalloc byte[16];
        var milliseconds = (ulong)Math.Clamp(e.Time.ToUnixTimeMilliseconds(), 0, (1L << 48) - 1);
        BinaryPrimitives.WriteUInt64BigEndian(id, milliseconds << 16);
        hash[..10].CopyTo(id[6..]);
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return Convert.ToHexStringLower(id);
    }

    private async Task<Result<RegisteredRelay>> StoreAsync(string titleId, RelayHeartbeat heartbeat, DateTimeOffset signedAt, DateTimeOffset now, CancellationToken ct)
    {
        var key = Key(titleId, heartbeat.RelayId);
        var document = new RelayDocument(
            heartbeat.RelayId, heartbeat.Region, heartbeat.Endpoint, heartbeat.Capacity, heartbeat.Load, heartbeat.Sessions,
            heartbeat.Members, heartbeat.Version, heartbeat.Draining, now, signedAt.ToUnixTimeSeconds());
        var expiresAt = now + Lifetime;
        var item = new NewItem(key, JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.RelayDocument), expiresAt);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await _store.GetAsync(key, ct);
            WriteResult written;
            if (current is null)
            {
                written = await _store.CreateAsync(item, ct);
            }
            else
            {
                var held = Deserialize(current);
                if (held.SignedAt > document.SignedAt)
                {
                    return held.ToRelay(current.ExpiresAt ?? expiresAt);
                }

                written = await _store.ReplaceAsync(item, current.Version, ct);
            }

            if (written.Succeeded)
            {
                return document.ToRelay(expiresAt);
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The relay's entry kept changing while it was being updated; retry.");
    }

    private static RelayDocument Deserialize(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.RelayDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no relay.");
}

/// <summary>Validation of heartbeats: each failure names the member at fault (Details["field"]).</summary>
public static class RelayRules
{
    public const int MaxIdLength = 64;
    public const int MaxVersionLength = 64;

    /// <summary>A session has at most 256 members: a join token's slot is one byte.</summary>
    public const int MaxSessionMembers = 256;

    /// <summary>Longer than any session runs; a larger value is a bug on the relay's side.</summary>
    public const double MaxSessionDurationSeconds = 30 * 24 * 3600;

    /// <summary>How far ahead of the server's clock an event's time may be (the relay's clock may run ahead).</summary>
    public static readonly TimeSpan MaxEventTimeAhead = TimeSpan.FromMinutes(5);

    /// <summary>How old an event may be: a relay may buffer events through a long backend outage, but not forever.</summary>
    public static readonly TimeSpan MaxEventAge = TimeSpan.FromDays(7);

    private const string IdCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_-";

    /// <summary>A relay id or region: 1–64 characters of [a-z0-9_-].</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.AsSpan().IndexOfAnyExcept(IdCharacters) < 0;

    /// <summary>
    /// host:port where game clients send UDP: a DNS name, an IPv4 address or a bracketed IPv6 address, and a port of
    /// 1–65535. The unspecified addresses (0.0.0.0, [::]) are refused: a relay must announce where it can be reached.
    /// </summary>
    public static bool IsValidEndpoint(string? endpoint)
    {
        if (endpoint is not { Length: > 0 and <= 261 })
        {
            return false;
        }

        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || colon == endpoint.Length - 1)
        {
            return false;
        }

        var portText = endpoint.AsSpan(colon + 1);
        if (portText.Length > 5 || portText.IndexOfAnyExceptInRange('0', '9') >= 0
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        var host = endpoint[..colon];
        if (host.StartsWith('['))
        {
            return host.Length > 2 && host.EndsWith(']')
                && System.Net.IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var v6)
                && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                && !v6.Equals(System.Net.IPAddress.IPv6Any)
                && !host.Contains('%', StringComparison.Ordinal);
        }

        if (System.Net.IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return IsDottedQuad(host) && !v4.Equals(System.Net.IPAddress.Any);
        }

        return IsDnsName(host);
    }

    /// <summary>Labels of 1–63 letters, digits and inner hyphens, at most 253 characters, the last label not all digits.</summary>
    private static bool IsDnsName(string host)
    {
        if (host.Length > 253)
        {
            return false;
        }

        var labels = host.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || label.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") >= 0)
            {
                return false;
            }
        }

        return labels[^1].AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0;
    }

    /// <summary>The first member at fault, or null when the heartbeat is valid.</summary>
    public static Error? Check(RelayHeartbeat heartbeat, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        if (!IsValidId(heartbeat.RelayId))
        {
            return Invalid("relayId", $"relayId is 1–{MaxIdLength} characters of a-z, 0-9, _ and -.");
        }

        if (!IsValidId(heartbeat.Region))
        {
            return Invalid("region", $"region is 1–{MaxIdLength} characters of a-z, 0-9, _ and -.");
        }

        if (!IsValidEndpoint(heartbeat.Endpoint))
        {
            return Invalid("endpoint", "endpoint is host:port (a DNS name, an IPv4 address or a bracketed IPv6 address; port 1–65535) where clients can reach the relay.");
        }

        if (heartbeat.Capacity < 0)
        {
            return Invalid("capacity", "capacity may not be negative.");
        }

        if (!double.IsFinite(heartbeat.Load) || heartbeat.Load < 0)
        {
            return Invalid("load", "load is a number of 0 or more, in capacity's unit.");
        }

        if (heartbeat.Sessions < 0)
        {
            return Invalid("sessions", "sessions may not be negative.");
        }

        if (heartbeat.Members < 0)
        {
            return Invalid("members", "members may not be negative.");
        }

        if (heartbeat.Version is not { Length: > 0 and <= MaxVersionLength } || heartbeat.Version.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
        {
            return Invalid("version", $"version is 1–{MaxVersionLength} printable ASCII characters without spaces.");
        }

        if (heartbeat.Events is null || heartbeat.Events.Count > RelayRegistry.MaxEvents)
        {
            return Invalid("events", $"events holds at most {RelayRegistry.MaxEvents} events.");
        }

        for (var i = 0; i < heartbeat.Events.Count; i++)
        {
            if (CheckEvent(heartbeat.Events[i], now) is { } member)
            {
                return Invalid($"events[{i}]{(member.Length > 0 ? "." + member : "")}", $"Event {i} is not valid: {member switch
                {
                    "" => "it is null.",
                    "name" => "name is session_started or session_ended.",
                    "sessionId" => "sessionId is a 32-hex-digit session id.",
                    "time" => $"time is not within {MaxEventAge.TotalDays:0} days before and {MaxEventTimeAhead.TotalMinutes:0} minutes after the server's clock.",
                    "members" => $"members is 0–{MaxSessionMembers}.",
                    _ => $"durationSeconds is a number of 0–{MaxSessionDurationSeconds:0}.",
                }}");
            }
        }

        return null;
    }

    /// <summary>The member of the event at fault ("" for a null event), or null.</summary>
    private static string? CheckEvent(RelaySessionEvent? e, DateTimeOffset now)
    {
        if (e is null)
        {
            return "";
        }

        if (e.Name is not (SessionEventNames.SessionStarted or SessionEventNames.SessionEnded))
        {
            return "name";
        }

        if (!Ids.IsWellFormed(e.SessionId))
        {
            return "sessionId";
        }

        if (e.Time > now + MaxEventTimeAhead || e.Time < now - MaxEventAge)
        {
            return "time";
        }

        if (e.Members is < 0 or > MaxSessionMembers)
        {
            return "members";
        }

        if (e.DurationSeconds is { } duration && (!double.IsFinite(duration) || duration < 0 || duration > MaxSessionDurationSeconds))
        {
            return "durationSeconds";
        }

        return null;
    }

    /// <summary>IPAddress.TryParse also takes "127.1" and "2130706433"; an announced endpoint should be unambiguous.</summary>
    private static bool IsDottedQuad(string host) => host.Count(c => c == '.') == 3;

    private static Error Invalid(string field, string message) =>
        Error.Validation(ErrorCodes.InvalidRelayHeartbeat, message) with { Details = new Dictionary<string, string>(1) { ["field"] = field } };
}

/// <summary>The stored form of a relay's last heartbeat; <see cref="SignedAt"/> (Unix seconds) orders heartbeats against replays.</summary>
internal sealed record RelayDocument(
    string RelayId,
    string Region,
    string Endpoint,
    int Capacity,
    double Load,
    int Sessions,
    int Members,
    string Version,
    bool Draining,
    DateTimeOffset LastHeartbeatAt,
    long SignedAt)
{
    public RegisteredRelay ToRelay(DateTimeOffset expiresAt) =>
        new(RelayId, Region, Endpoint, Capacity, Load, Sessions, Members, Version, Draining, LastHeartbeatAt, expiresAt);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SessionEventProperties))]
[JsonSerializable(typeof(RelayHeartbeatProperties))]
internal sealed partial class SessionEventJsonContext : JsonSerializerContext;
