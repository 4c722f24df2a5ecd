using System;
using System.Collections.Generic;

namespace GameBackend.Client;

/// <summary>The statuses of a ticket. Strings, not an enum, so a status added later still arrives.</summary>
public static class TicketStatuses
{
    public const string Searching = "searching";
    public const string Matched = "matched";
    public const string TimedOut = "timed_out";
    public const string Cancelled = "cancelled";
}

/// <summary>A player's place in a match.</summary>
public sealed record MatchPlayer(string PlayerId, int Team, int Slot);

/// <summary>The caller's seat: team, relay slot, and the join token (base64url) the relay admits them with.</summary>
public sealed record Seat(string PlayerId, int Team, int Slot, string JoinToken);

/// <summary>Where to play: the relay endpoint (host:port) and session, every player's place, and the caller's seat(s).</summary>
public sealed record Assignment(
    string MatchId,
    string SessionId,
    string? Region,
    string RelayEndpoint,
    DateTimeOffset JoinTokensExpireAt,
    IReadOnlyList<Seat> Seats,
    IReadOnlyList<MatchPlayer> Players);

/// <summary>
/// A matchmaking ticket. While <see cref="Status"/> is "searching", poll again after <see cref="PollAfterSeconds"/>
/// (<see cref="MatchmakingApi.WaitForMatchAsync(Ticket, System.Threading.CancellationToken, System.Action{Ticket})"/> does); once "matched", <see cref="Assignment"/> says where to play.
/// </summary>
public sealed record Ticket(
    string TicketId,
    string QueueId,
    string Status,
    IReadOnlyList<string> Players,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    int PollAfterSeconds,
    Assignment? Assignment)
{
    public bool IsSearching => Status == TicketStatuses.Searching;

    public bool IsMatched => Status == TicketStatuses.Matched && Assignment is not null;
}

/// <summary>A rating: Glicko-2 (rating, deviation, volatility) or OpenSkill (mu, sigma, ordinal = mu − 3σ).</summary>
public sealed record RatingValue(double? Rating, double? Deviation, double? Volatility, double? Mu, double? Sigma, double? Ordinal);

public sealed record RatingChange(string PlayerId, RatingValue Before, RatingValue After);

/// <summary>A match: status "formed", "final" or "rated"; <see cref="Result"/> holds the team ranks once final.</summary>
public sealed record Match(
    string MatchId,
    string QueueId,
    string SessionId,
    string? Region,
    string RelayEndpoint,
    string Status,
    int Teams,
    IReadOnlyList<MatchPlayer> Players,
    DateTimeOffset FormedAt,
    IReadOnlyList<int>? Result,
    DateTimeOffset? CompletedAt,
    int ReportsReceived,
    IReadOnlyList<RatingChange> RatingChanges);

/// <summary>A rating under one key (a queue's id unless queues share one); system is "glicko2" or "openskill".</summary>
public sealed record PlayerRating(string Key, string System, RatingValue Value, int Games, DateTimeOffset? LastPlayedAt);

internal sealed record PlayerRatingList(IReadOnlyList<PlayerRating> Items);

internal sealed record CreateTicketRequest(IReadOnlyDictionary<string, string>? Attributes, IReadOnlyDictionary<string, double>? Pings);

internal sealed record ReportMatchResultRequest(IReadOnlyList<int> TeamRanks);
