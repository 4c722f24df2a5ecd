using System.Buffers;
using System.Text.Json;
using Cronos;
using GameBackend.Core.Common;

namespace GameBackend.Core.Leaderboards;

/// <summary>
/// What a leaderboard and its records may be. Ids are URL- and key-safe so they go into routes, store partitions and
/// Redis keys unescaped; scores are bounded so every one is exact in a double, in JSON and in Redis.
/// </summary>
public static class LeaderboardRules
{
    public const int MaxIdLength = 64;
    public const int MaxMetadataBytes = 1024;
    public const int MaxMetadataDepth = 8;

    /// <summary>How many boards one title may define: listing them is one bounded read.</summary>
    public const int MaxBoardsPerTitle = 100;

    /// <summary>
    /// The largest score magnitude: 2^53, below which every integer is exact in a double, so increments of whole
    /// numbers never lose a point and the value survives JSON and Redis unchanged.
    /// </summary>
    public const double MaxScoreMagnitude = 9007199254740992;

    /// <summary>A board id: 1–64 characters of [a-z0-9_-].</summary>
    public static Error? CheckId(string? id)
    {
        var valid = id is { Length: > 0 and <= MaxIdLength }
            && id.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_-") < 0;
        return valid ? null : Error.Validation(ErrorCodes.InvalidLeaderboardId, $"A leaderboard id is 1–{MaxIdLength} characters of a-z, 0-9, _ and -.");
    }

    /// <summary>"descending" (the default) or "ascending".</summary>
    public static Result<LeaderboardSortOrder> ParseSortOrder(string? sortOrder) => sortOrder switch
    {
        null or "descending" => LeaderboardSortOrder.Descending,
        "ascending" => LeaderboardSortOrder.Ascending,
        _ => Error.Validation(ErrorCodes.InvalidSortOrder, "The sort order is \"descending\" or \"ascending\"."),
    };

    /// <summary>"best" (the default), "latest", "increment" or "decrement".</summary>
    public static Result<LeaderboardOperator> ParseOperator(string? @operator) => @operator switch
    {
        null or "best" => LeaderboardOperator.Best,
        "latest" => LeaderboardOperator.Latest,
        "increment" => LeaderboardOperator.Increment,
        "decrement" => LeaderboardOperator.Decrement,
        _ => Error.Validation(ErrorCodes.InvalidLeaderboardOperator, "The operator is \"best\", \"latest\", \"increment\" or \"decrement\"."),
    };

    /// <summary>A 5-field cron expression (minute hour day-of-month month day-of-week, UTC) that occurs again after <paramref name="now"/>; null when absent.</summary>
    public static Result<CronExpression?> ParseSchedule(string? schedule, DateTimeOffset now)
    {
        if (schedule is null)
        {
            return Result<CronExpression?>.Success(null);
        }

        var invalid = Error.Validation(ErrorCodes.InvalidResetSchedule,
            "The reset schedule is a 5-field cron expression (minute hour day-of-month month day-of-week, UTC) that occurs again.");
        if (schedule.Length is 0 or > 128)
        {
            return invalid;
        }

        try
        {
            var expression = CronExpression.Parse(schedule, CronFormat.Standard);
            return expression.GetNextOccurrence(now.UtcDateTime) is null ? invalid : expression;
        }
        catch (CronFormatException)
        {
            return invalid;
        }
    }

    /// <summary>A finite score of magnitude at most 2^53.</summary>
    public static Error? CheckScore(double score) =>
        double.IsFinite(score) && Math.Abs(score) <= MaxScoreMagnitude
            ? null
            : Error.Validation(ErrorCodes.InvalidScore, "A score is a finite number between -2^53 and 2^53.");

    /// <summary>The metadata as compact UTF-8 JSON (what is stored, indexed and measured), if it is a small, shallow JSON object.</summary>
    public static Result<byte[]> NormalizeMetadata(JsonElement metadata)
    {
        var invalid = Error.Validation(ErrorCodes.InvalidLeaderboardMetadata,
            $"Record metadata is a JSON object of at most {MaxMetadataBytes} bytes, nested at most {MaxMetadataDepth} deep.");
        if (metadata.ValueKind != JsonValueKind.Object || DepthOf(metadata) > MaxMetadataDepth)
        {
            return invalid;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            metadata.WriteTo(writer);
        }

        return buffer.WrittenCount > MaxMetadataBytes ? invalid : buffer.WrittenSpan.ToArray();
    }

    private static int DepthOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => 1 + element.EnumerateObject().Select(p => DepthOf(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + element.EnumerateArray().Select(DepthOf).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
