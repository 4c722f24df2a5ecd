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
public sealed record BackendEvent(
    string TitleId,
    string Id,
    string Name,
    DateTimeOffset Time,
    string? PlayerId = null,
    string? SessionId = null,
    JsonElement? Properties = null,
    DateTimeOffset? PlayerSince = null);

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
