using System.Text.Json;

namespace GameBackend.Core.Leaderboards;

/// <summary>
/// A board definition at (title, "leaderboards", boardId): one partition per title, so listing a title's boards is one
/// query. <see cref="Generation"/> is new each time a board is created, and is part of every record partition and index
/// key, so a board deleted and created again under the same id starts empty instead of inheriting old records.
/// </summary>
internal sealed record LeaderboardDocument(
    string Id,
    LeaderboardSortOrder SortOrder,
    LeaderboardOperator Operator,
    string? ResetSchedule,
    DateTimeOffset CreatedAt,
    string Generation)
{
    public Leaderboard ToLeaderboard() => new(Id, SortOrder, Operator, ResetSchedule, CreatedAt);
}

/// <summary>
/// A player's record in one period at (title, "lb/{boardId}/{generation}.{periodId}", playerId). <see cref="Revision"/>
/// counts the writes (1 on create), so the rank index can tell a newer value from an older one whatever order index
/// updates arrive in.
/// </summary>
internal sealed record LeaderboardRecordDocument(double Score, JsonElement? Metadata, DateTimeOffset UpdatedAt, long Revision);
