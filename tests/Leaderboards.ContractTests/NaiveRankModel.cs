using GameBackend.Core.Leaderboards;

namespace GameBackend.Leaderboards.ContractTests;

/// <summary>
/// The obviously correct rank index: a dictionary sorted from scratch on every question. Random operations run against
/// it and an index under test must answer identically.
/// </summary>
public sealed class NaiveRankModel(LeaderboardSortOrder sortOrder)
{
    private readonly Dictionary<string, RankedRecord> _records = new(StringComparer.Ordinal);

    public int Count => _records.Count;

    public bool Set(RankedRecord record)
    {
        if (_records.TryGetValue(record.PlayerId, out var existing) && existing.Revision >= record.Revision)
        {
            return false;
        }

        _records[record.PlayerId] = record;
        return true;
    }

    public bool Remove(string playerId) => _records.Remove(playerId);

    public long? RevisionOf(string playerId) => _records.TryGetValue(playerId, out var record) ? record.Revision : null;

    public IReadOnlyList<RankedEntry> Ordered()
    {
        var ordered = sortOrder == LeaderboardSortOrder.Descending
            ? _records.Values.OrderByDescending(r => r.Score)
            : _records.Values.OrderBy(r => r.Score);
        return ordered.ThenBy(r => r.PlayerId, StringComparer.Ordinal).Select((r, i) => new RankedEntry(i, r)).ToList();
    }

    public RankedEntry? Get(string playerId) => Ordered().Where(e => e.Record.PlayerId == playerId).Select(e => (RankedEntry?)e).FirstOrDefault();

    public IReadOnlyList<RankedEntry> Range(long offset, int count) => Ordered().Skip((int)Math.Min(offset, int.MaxValue)).Take(count).ToList();

    public IReadOnlyList<RankedEntry> Around(string playerId, int radius)
    {
        if (Get(playerId) is not { } entry)
        {
            return [];
        }

        var first = Math.Max(0, entry.Rank - radius);
        return Range(first, (int)(entry.Rank - first) + radius + 1);
    }
}
