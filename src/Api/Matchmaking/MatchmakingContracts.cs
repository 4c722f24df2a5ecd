using System.Text.Json.Serialization;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Ratings;

namespace GameBackend.Api.Matchmaking;

/// <summary>A player queues themself: the queue's equality attributes, and pings (ms) to the queue's regions.</summary>
public sealed record CreateTicketRequest
{
    public Dictionary<string, string>? Attributes { get; init; }

    public Dictionary<string, double>? Pings { get; init; }
}

/// <summary>The studio's server queues a party (1–maxPartySize players who play on one team).</summary>
public sealed record CreatePartyTicketRequest
{
    [JsonRequired]
    public required IReadOnlyList<string> Players { get; init; }

    public Dictionary<string, string>? Attributes { get; init; }

    public Dictionary<string, double>? Pings { get; init; }
}

/// <summary>A result: one rank per team in the match's team order (1 = first; equal ranks are a draw).</summary>
public sealed record ReportMatchResultRequest
{
    [JsonRequired]
    public required IReadOnlyList<int> TeamRanks { get; init; }
}

public sealed record QueueResponse(string Id, QueueConfig Config, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static QueueResponse From(QueueStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status.Queue.Id, status.Queue.Config, status.CreatedAt, status.UpdatedAt);
    }
}

public sealed record QueueListResponse(IReadOnlyList<QueueResponse> Items);

/// <summary>A player's place in a match.</summary>
public sealed record MatchPlayerResponse(string PlayerId, int Team, int Slot);

/// <summary>A seat of the ticket: the player's team and relay slot, and the join token the relay admits them with.</summary>
public sealed record SeatResponse(string PlayerId, int Team, int Slot, string JoinToken);

/// <summary>Where to play: the relay endpoint (host:port) and session, every player's place, and the ticket's seats with join tokens.</summary>
public sealed record AssignmentResponse(
    string MatchId,
    string SessionId,
    string? Region,
    string RelayEndpoint,
    DateTimeOffset JoinTokensExpireAt,
    IReadOnlyList<SeatResponse> Seats,
    IReadOnlyList<MatchPlayerResponse> Players);

/// <summary>
/// A ticket. <see cref="Status"/> is "searching", "matched", "timed_out" or "cancelled"; while searching, poll again after
/// <see cref="PollAfterSeconds"/>; once matched, <see cref="Assignment"/> says where to play.
/// </summary>
public sealed record TicketResponse(
    string TicketId,
    string QueueId,
    string Status,
    IReadOnlyList<string> Players,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    int PollAfterSeconds,
    AssignmentResponse? Assignment)
{
    public static TicketResponse From(TicketView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var ticket = view.Ticket;
        AssignmentResponse? assignment = null;
        if (view.Assignment is { } a)
        {
            assignment = new AssignmentResponse(
                a.Match.Id,
                a.Match.SessionId,
                a.Match.Region,
                a.Match.RelayEndpoint,
                a.JoinTokensExpireAt,
                a.Seats.Select(s => new SeatResponse(s.PlayerId, s.Team, s.Slot, s.JoinToken)).ToList(),
                a.Match.Players.Select(p => new MatchPlayerResponse(p.PlayerId, p.Team, p.Slot)).ToList());
        }

        return new(
            ticket.Id,
            ticket.QueueId,
            TicketService.StatusText(ticket.Status),
            ticket.Players.Select(p => p.PlayerId).ToList(),
            ticket.CreatedAt,
            ticket.EndedAt,
            view.PollAfterSeconds,
            assignment);
    }
}

/// <summary>A rating in the queue's system: Glicko-2 (rating, deviation, volatility) or OpenSkill (mu, sigma, ordinal = mu − 3σ).</summary>
public sealed record RatingValueResponse(double? Rating, double? Deviation, double? Volatility, double? Mu, double? Sigma, double? Ordinal)
{
    public static RatingValueResponse From(PlayerRatingValue value, RatingSystem system)
    {
        ArgumentNullException.ThrowIfNull(value);
        return system == RatingSystem.Glicko2
            ? new(value.Rating, value.Deviation, value.Volatility, null, null, null)
            : new(null, null, null, value.Mu, value.Sigma, new OpenSkillRating(value.Mu, value.Sigma).Ordinal);
    }
}

public sealed record RatingChangeResponse(string PlayerId, RatingValueResponse Before, RatingValueResponse After);

/// <summary>
/// A match. <see cref="Status"/> is "formed" (waiting for its result), "final" or "rated"; <see cref="Result"/> holds the
/// team ranks once final. <see cref="RatingChanges"/> holds the caller's change (a player) or everyone's (the server).
/// </summary>
public sealed record MatchResponse(
    string MatchId,
    string QueueId,
    string SessionId,
    string? Region,
    string RelayEndpoint,
    string Status,
    int Teams,
    IReadOnlyList<MatchPlayerResponse> Players,
    DateTimeOffset FormedAt,
    IReadOnlyList<int>? Result,
    DateTimeOffset? CompletedAt,
    int ReportsReceived,
    IReadOnlyList<RatingChangeResponse> RatingChanges)
{
    public static MatchResponse From(MatchView view, bool everyone)
    {
        ArgumentNullException.ThrowIfNull(view);
        var m = view.Match;
        var changes = everyone
            ? m.Status == MatchStatus.Rated ? m.RatingChanges ?? [] : []
            : view.CallerChange is { } mine && m.Status == MatchStatus.Rated ? [mine] : [];
        return new(
            m.Id,
            m.QueueId,
            m.SessionId,
            m.Region,
            m.RelayEndpoint,
            m.Status switch { MatchStatus.Formed => "formed", MatchStatus.Final => "final", _ => "rated" },
            m.Teams,
            m.Players.Select(p => new MatchPlayerResponse(p.PlayerId, p.Team, p.Slot)).ToList(),
            m.FormedAt,
            m.Result,
            m.CompletedAt,
            m.Reports.Count,
            changes.Select(c => new RatingChangeResponse(c.PlayerId, RatingValueResponse.From(c.Before, m.RatingSystem), RatingValueResponse.From(c.After, m.RatingSystem))).ToList());
    }
}

/// <summary>A player's rating under one key (a queue's id unless queues share a key); players without games are not listed.</summary>
public sealed record PlayerRatingResponse(string Key, string System, RatingValueResponse Value, int Games, DateTimeOffset? LastPlayedAt)
{
    public static PlayerRatingResponse From(PlayerRatingDocument rating)
    {
        ArgumentNullException.ThrowIfNull(rating);
        return new(rating.Key, rating.System == RatingSystem.Glicko2 ? "glicko2" : "openskill", RatingValueResponse.From(rating.Value, rating.System), rating.Games, rating.LastPlayedAt);
    }
}

public sealed record PlayerRatingListResponse(IReadOnlyList<PlayerRatingResponse> Items);

/// <summary>What a tick of one queue did.</summary>
public sealed record TickReportResponse(
    string QueueId,
    bool Skipped,
    int Searching,
    int MatchesFormed,
    int TicketsMatched,
    int TimedOut,
    int Conflicts,
    int NoRelay,
    int EventFailures,
    double DurationMs)
{
    public static TickReportResponse From(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.QueueId, report.Skipped, report.Searching, report.MatchesFormed, report.TicketsMatched, report.TimedOut, report.Conflicts, report.NoRelay, report.EventFailures, report.Duration.TotalMilliseconds);
    }
}
