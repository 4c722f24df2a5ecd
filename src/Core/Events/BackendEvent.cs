using System.Text;
using System.Text.Json;

namespace GameBackend.Core.Events;

/// <summary>
/// Something that happened, as the event bus carries it: the backend's own events (account created, match formed,
/// session started, …) and, with the analytics ingest, clients' telemetry. <see cref="Id"/> is unique per event
/// (consumers deduplicate by it); <see cref="PlayerId"/> is the partitioning key, so one player's events stay in order.
/// <see cref="PlayerSince"/> is the player's account creation time, stamped by the server (never taken from a client),
/// so the rollups can place an active player in their cohort for retention without a lookup per event.
/// The optional members have defaults so that <see cref="EventWire"/>, which omits nulls, reads an event without them.
/// </summary>
/// <remarks>
/// An event read from the wire keeps its properties as the UTF-8 JSON it arrived in: the ingest handler needs them for
/// two event names only (session length, CCU) and the archive stores them as JSON text, so parsing every event's
/// properties into a <see cref="JsonDocument"/> while decoding was wasted work. <see cref="Properties"/> parses them
/// when read (on every read: the event stays immutable, and its equality does not change with use);
/// <see cref="PropertiesJson"/> gives the text without parsing.
/// </remarks>
public sealed record BackendEvent(
    string TitleId,
    string Id,
    string Name,
    DateTimeOffset Time,
    string? PlayerId = null,
    string? SessionId = null,
    JsonElement? Properties = null,
    DateTimeOffset? PlayerSince = null)
{
    private readonly JsonElement? _properties = Properties;

    // The properties as they arrived on the wire (a JSON value other than null), or null.
    private readonly byte[]? _propertiesUtf8;

    /// <summary>The event's properties (an object of small values for telemetry); null when it has none.</summary>
    public JsonElement? Properties
    {
        get => _propertiesUtf8 is null ? _properties : JsonElement.Parse(_propertiesUtf8);
        init
        {
            _properties = value;
            _propertiesUtf8 = null;
        }
    }

    /// <summary>The player's account creation time (their cohort); declared here so that it follows
    /// <see cref="Properties"/> on the wire, as it always did.</summary>
    public DateTimeOffset? PlayerSince { get; init; } = PlayerSince;

    /// <summary>The properties as JSON text, as they arrived when the event was read from the wire; null when it has none.</summary>
    public string? PropertiesJson() =>
        _propertiesUtf8 is not null ? Encoding.UTF8.GetString(_propertiesUtf8)
        : _properties is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } p ? p.GetRawText()
        : null;

    /// <summary>An event read by <see cref="EventWire.TryDecode"/>, its properties kept as the JSON value's UTF-8 bytes.</summary>
    internal static BackendEvent FromWire(
        string titleId, string id, string name, DateTimeOffset time, string? playerId, string? sessionId, byte[]? propertiesUtf8, DateTimeOffset? playerSince) =>
        new(propertiesUtf8, titleId, id, name, time, playerId, sessionId, playerSince);

    private BackendEvent(
        byte[]? propertiesUtf8, string titleId, string id, string name, DateTimeOffset time, string? playerId, string? sessionId, DateTimeOffset? playerSince)
        : this(titleId, id, name, time, playerId, sessionId, null, playerSince) =>
        _propertiesUtf8 = propertiesUtf8;
}

/// <summary>The names of the events the backend itself publishes; stable, because consumers and dashboards key on them.</summary>
public static class BackendEventNames
{
    /// <summary>A matchmaking tick formed a match; properties: queue, match, session, region, players.</summary>
    public const string MatchFormed = "match_formed";

    /// <summary>A match's result became final and its ratings were updated; properties: queue, match, team ranks.</summary>
    public const string MatchCompleted = "match_completed";

    /// <summary>A sign-in made a new account; the player's cohort starts here.</summary>
    public const string AccountCreated = "account_created";

    /// <summary>A player signed in (any method, including the one that created the account).</summary>
    public const string SignedIn = "signed_in";

    /// <summary>A score was submitted to a leaderboard; properties: leaderboard, score.</summary>
    public const string ScoreSubmitted = "score_submitted";

    /// <summary>A relay's heartbeat for a title; properties: relay, region, sessions, members (concurrent users).</summary>
    public const string RelayHeartbeat = "relay_heartbeat";
}
