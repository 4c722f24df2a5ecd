using System.Text.Json;

namespace GameBackend.Core.Leaderboards;

/// <summary>Which end of the board is first place.</summary>
public enum LeaderboardSortOrder
{
    /// <summary>Highest score first (points, kills).</summary>
    Descending,
    /// <summary>Lowest score first (lap times, moves).</summary>
    Ascending,
}

/// <summary>How a submitted score combines with the player's record of the period.</summary>
public enum LeaderboardOperator
{
    /// <summary>Keeps the better of the two: the higher on a descending board, the lower on an ascending one.</summary>
    Best,
    /// <summary>The submission replaces the record.</summary>
    Latest,
    /// <summary>The submission is added to the record (a new record starts from 0).</summary>
    Increment,
    /// <summary>The submission is subtracted from the record (a new record starts from 0).</summary>
    Decrement,
}

/// <summary>
/// A leaderboard definition. <see cref="ResetSchedule"/> is a 5-field cron expression evaluated in UTC; each
/// occurrence starts a new period, and the finished period's records stay readable under its id.
/// </summary>
public sealed record Leaderboard(
    string Id,
    LeaderboardSortOrder SortOrder,
    LeaderboardOperator Operator,
    string? ResetSchedule,
    DateTimeOffset CreatedAt);

/// <summary>What an admin asks for when creating a board; the strings are validated by Core.</summary>
public sealed record LeaderboardDefinition(string Id, string? SortOrder, string? Operator, string? ResetSchedule);

/// <summary>
/// A period of a board: <see cref="Id"/> is "all" for boards without a schedule, otherwise the UTC start time as
/// <c>yyyyMMddTHHmmssZ</c>, so period ids sort by time. <see cref="EndsAt"/> is null for boards without a schedule.
/// </summary>
public sealed record LeaderboardPeriod(string Id, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

/// <summary>A board with the period it is in now and the one before (the most recent archive).</summary>
public sealed record LeaderboardStatus(Leaderboard Board, LeaderboardPeriod CurrentPeriod, LeaderboardPeriod? PreviousPeriod);

/// <summary>A player's record in one period with its 1-based rank.</summary>
public sealed record LeaderboardRecord(string PlayerId, long Rank, double Score, JsonElement? Metadata, DateTimeOffset UpdatedAt);

/// <summary>
/// Records of one period in rank order. <see cref="NextCursor"/> continues a top-N listing (null on the last page);
/// <see cref="Total"/> is how many players have a record in the period.
/// </summary>
public sealed record LeaderboardRecordPage(string LeaderboardId, string PeriodId, IReadOnlyList<LeaderboardRecord> Records, string? NextCursor, long Total);
