using System.Text.Json.Serialization;

namespace GameBackend.Core.Matchmaking;

/// <summary>A queue as stored in the title's "matchmaking-queues" partition.</summary>
public sealed record QueueDocument(string Id, QueueConfig Config, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The cell-wide list of queues (title "cell"), so a scheduled tick finds every queue of every title with one query.</summary>
internal sealed record QueueRegistryDocument(string TitleId, string QueueId);

/// <summary>The tick's lease on a queue: only its holder forms matches until it is released or expires.</summary>
internal sealed record QueueLeaseDocument(string Holder, DateTimeOffset AcquiredAt);

public enum TicketStatus
{
    Searching,
    Matched,
    TimedOut,
    Cancelled,
}

/// <summary>A player on a ticket, with the skill the ticket was made with.</summary>
public sealed record TicketPlayer(string PlayerId, double Skill);

/// <summary>A ticket, stored in its queue's partition ("matchmaking:{queue}") next to the queue's matches.</summary>
public sealed record TicketDocument(
    string Id,
    string QueueId,
    IReadOnlyList<TicketPlayer> Players,
    double Skill,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, double> Pings,
    DateTimeOffset CreatedAt,
    TicketStatus Status,
    DateTimeOffset? EndedAt,
    string? MatchId);

/// <summary>The player's latest ticket (in the player's partition): one active ticket per player per title.</summary>
internal sealed record ActiveTicketDocument(string QueueId, string TicketId);

/// <summary>Who settles a match's result, copied from the queue when the match forms (a later queue edit does not change it).</summary>
public enum ResultRule
{
    /// <summary>Only the studio's server (server key).</summary>
    Server,

    /// <summary>The server, or every player reporting the same result.</summary>
    AllPlayers,

    /// <summary>The server, or more than half of the players reporting the same result.</summary>
    MajorityOfPlayers,
}

public enum MatchStatus
{
    /// <summary>Formed; waiting for its result.</summary>
    Formed,

    /// <summary>The result is final and ratings are being applied (a crash here is finished by the next report or read).</summary>
    Final,

    /// <summary>The result is final and every player's rating has it.</summary>
    Rated,
}

/// <summary>A player's place in a match: team (0-based) and relay slot (0-based, unique in the match).</summary>
public sealed record MatchPlayer(string PlayerId, int Team, int Slot, string TicketId);

/// <summary>A rating before and after a match, kept in the match so applying it is idempotent and resumable.</summary>
public sealed record RatingChange(string PlayerId, PlayerRatingValue Before, PlayerRatingValue After);

/// <summary>A formed match, stored in its queue's partition.</summary>
public sealed record MatchDocument(
    string Id,
    string QueueId,
    string RatingKey,
    RatingSystem RatingSystem,
    double Tau,
    int RatingPeriodHours,
    ResultRule ResultRule,
    string SessionId,
    string? Region,
    string RelayId,
    string RelayEndpoint,
    int Teams,
    IReadOnlyList<MatchPlayer> Players,
    DateTimeOffset FormedAt,
    DateTimeOffset JoinTokensExpireAt,
    MatchStatus Status,
    IReadOnlyDictionary<string, IReadOnlyList<int>> Reports,
    IReadOnlyList<int>? Result,
    IReadOnlyList<RatingChange>? RatingChanges,
    DateTimeOffset? CompletedAt);

/// <summary>A rating in whichever system the queue uses: Glicko-2 (rating, deviation, volatility) or OpenSkill (mu, sigma).</summary>
public sealed record PlayerRatingValue(
    [property: JsonPropertyName("rating")] double Rating,
    [property: JsonPropertyName("deviation")] double Deviation,
    [property: JsonPropertyName("volatility")] double Volatility,
    [property: JsonPropertyName("mu")] double Mu,
    [property: JsonPropertyName("sigma")] double Sigma);

/// <summary>A player's rating under one key (in the player's partition), with the matches it already includes.</summary>
public sealed record PlayerRatingDocument(
    string Key,
    RatingSystem System,
    PlayerRatingValue Value,
    int Games,
    DateTimeOffset? LastPlayedAt,
    IReadOnlyList<string> RecentMatches);
