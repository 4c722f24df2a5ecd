using System.Text.Json;
using System.Text.Json.Nodes;
using Cronos;
using GameBackend.Core.Common;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// The player's records on every board of the title, in every period (the current one and every archived one).
/// Erasing removes each record from the rank index first, then from the store, so the player vanishes from every
/// top list, around-me view and friends view at once, and a crash in between leaves the stored record for the re-run.
/// </summary>
/// <remarks>
/// Records live in one partition per board period and nothing indexes them by player, so the periods are walked from
/// the current one back to the board's creation (one point read each), at most <see cref="MaxPeriodsPerBoard"/> of
/// them. Records of boards deleted earlier are unreachable for everyone (the leaderboard service leaves them under
/// the old generation) and cannot be found here either; see docs/privacy.md.
/// </remarks>
public sealed class LeaderboardDataContributor(IDocumentStore store, IRankIndex index, TimeProvider time) : IPlayerDataContributor
{
    /// <summary>A minutely board holds about 10 weeks of periods within this; daily and slower boards, centuries.</summary>
    public const int MaxPeriodsPerBoard = 100_000;

    public string Section => "leaderboards";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var records = new List<LeaderboardRecordExport>();
        await foreach (var (board, period, _, item) in FindRecordsAsync(titleId, playerId, ct))
        {
            var record = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.LeaderboardRecordDocument)!;
            records.Add(new LeaderboardRecordExport(board.Id, period.Id, record.Score, record.Metadata, record.UpdatedAt));
        }

        return records.Count == 0 ? null : JsonSerializer.SerializeToNode(new LeaderboardsExport(records), PrivacyExportJsonContext.Default.LeaderboardsExport);
    }

    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        await foreach (var (_, _, rankBoard, item) in FindRecordsAsync(titleId, playerId, ct))
        {
            await index.RemoveAsync(rankBoard, playerId, ct);
            await store.DeleteAsync(item.Key, item.Version, ct);
        }

        // The current periods too, in case an earlier run deleted a record but died before it reached the index.
        await foreach (var board in ReadBoardsAsync(titleId, ct))
        {
            var current = LeaderboardPeriods.Current(ScheduleOf(board), time.GetUtcNow());
            await index.RemoveAsync(RankBoardOf(titleId, board, current), playerId, ct);
        }
    }

    private async IAsyncEnumerable<(LeaderboardDocument Board, LeaderboardPeriod Period, RankBoard RankBoard, StoredItem Item)> FindRecordsAsync(
        string titleId, string playerId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var board in ReadBoardsAsync(titleId, ct))
        {
            var schedule = ScheduleOf(board);
            LeaderboardPeriod? period = LeaderboardPeriods.Current(schedule, time.GetUtcNow());
            for (var walked = 0; period is not null && walked < MaxPeriodsPerBoard; walked++)
            {
                var rankBoard = RankBoardOf(titleId, board, period);
                var key = new ItemKey(titleId, $"lb/{rankBoard.BoardId}/{rankBoard.PeriodKey}", playerId);
                if (await store.GetAsync(key, ct) is { } item)
                {
                    yield return (board, period, rankBoard, item);
                }

                // Periods that ended before the board existed hold nothing of it.
                period = period.StartsAt is { } startsAt && startsAt > board.CreatedAt ? LeaderboardPeriods.Previous(schedule, period) : null;
            }
        }
    }

    private async IAsyncEnumerable<LeaderboardDocument> ReadBoardsAsync(string titleId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in PartitionItems.ReadAllAsync(store, titleId, LeaderboardService.BoardPartition, ct))
        {
            yield return JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.LeaderboardDocument)!;
        }
    }

    private static CronExpression? ScheduleOf(LeaderboardDocument board) =>
        board.ResetSchedule is null ? null : CronExpression.Parse(board.ResetSchedule, CronFormat.Standard);

    private static RankBoard RankBoardOf(string titleId, LeaderboardDocument board, LeaderboardPeriod period) =>
        new(titleId, board.Id, $"{board.Generation}.{period.Id}", board.SortOrder);
}
