using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Leaderboards;

namespace GameBackend.Api.Leaderboards;

/// <summary>A new board. Omitted members take their defaults: descending, best, no reset schedule.</summary>
public sealed record CreateLeaderboardRequest
{
    [JsonRequired]
    public required string Id { get; init; }

    /// <summary>"descending" (highest first, the default) or "ascending".</summary>
    public string? SortOrder { get; init; }

    /// <summary>"best" (the default), "latest", "increment" or "decrement".</summary>
    public string? Operator { get; init; }

    /// <summary>A 5-field cron expression in UTC; each occurrence starts a new period and archives the one before.</summary>
    public string? ResetSchedule { get; init; }
}

/// <summary>A score; it must be a JSON number (finite, within ±2^53). Metadata is a JSON object of at most 1 KiB.</summary>
public sealed record SubmitScoreRequest
{
    [JsonRequired]
    public required double Score { get; init; }

    public JsonElement? Metadata { get; init; }
}

/// <summary>A period: "all" on boards without a schedule (no start or end), otherwise its UTC start (yyyyMMddTHHmmssZ).</summary>
public sealed record LeaderboardPeriodResponse(string Id, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt)
{
    public static LeaderboardPeriodResponse From(LeaderboardPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return new(period.Id, period.StartsAt, period.EndsAt);
    }
}

/// <summary>A board with its current period and the one before (the latest archive, readable with ?period=).</summary>
public sealed record LeaderboardResponse(
    string Id,
    string SortOrder,
    string Operator,
    string? ResetSchedule,
    DateTimeOffset CreatedAt,
    LeaderboardPeriodResponse CurrentPeriod,
    LeaderboardPeriodResponse? PreviousPeriod)
{
    public static LeaderboardResponse From(LeaderboardStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var board = status.Board;
        return new(
            board.Id,
            board.SortOrder == LeaderboardSortOrder.Ascending ? "ascending" : "descending",
            board.Operator switch
            {
                LeaderboardOperator.Latest => "latest",
                LeaderboardOperator.Increment => "increment",
                LeaderboardOperator.Decrement => "decrement",
                _ => "best",
            },
            board.ResetSchedule,
            board.CreatedAt,
            LeaderboardPeriodResponse.From(status.CurrentPeriod),
            status.PreviousPeriod is null ? null : LeaderboardPeriodResponse.From(status.PreviousPeriod));
    }
}

public sealed record LeaderboardListResponse(IReadOnlyList<LeaderboardResponse> Items);

/// <summary>A record: <see cref="Rank"/> is 1-based (1 = first place) and board-wide, also in the friends view.</summary>
public sealed record LeaderboardRecordResponse(string PlayerId, long Rank, double Score, JsonElement? Metadata, DateTimeOffset UpdatedAt)
{
    public static LeaderboardRecordResponse From(LeaderboardRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.PlayerId, record.Rank, record.Score, record.Metadata, record.UpdatedAt);
    }
}

/// <summary>Records in rank order. <see cref="NextCursor"/> continues a top-N listing; <see cref="Total"/> counts the period's records.</summary>
public sealed record LeaderboardRecordPageResponse(string LeaderboardId, string PeriodId, IReadOnlyList<LeaderboardRecordResponse> Records, string? NextCursor, long Total)
{
    public static LeaderboardRecordPageResponse From(LeaderboardRecordPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new(page.LeaderboardId, page.PeriodId, page.Records.Select(LeaderboardRecordResponse.From).ToList(), page.NextCursor, page.Total);
    }
}
