using System.Text.Json;

namespace GameBackend.Core.Events;

/// <summary>
/// Something that happened, as the event bus carries it: the backend's own events (account created, match formed,
/// session started, …) and, with the analytics ingest, clients' telemetry. <see cref="Id"/> is unique per event
/// (consumers deduplicate by it); <see cref="PlayerId"/> is the partitioning key, so one player's events stay in order.
/// </summary>
public sealed record BackendEvent(
    string TitleId,
    string Id,
    string Name,
    DateTimeOffset Time,
    string? PlayerId,
    string? SessionId,
    JsonElement? Properties);

/// <summary>The names of the events the backend itself publishes; stable, because consumers and dashboards key on them.</summary>
public static class BackendEventNames
{
    /// <summary>A matchmaking tick formed a match; properties: queue, match, session, region, players.</summary>
    public const string MatchFormed = "match_formed";

    /// <summary>A match's result became final and its ratings were updated; properties: queue, match, team ranks.</summary>
    public const string MatchCompleted = "match_completed";
}
