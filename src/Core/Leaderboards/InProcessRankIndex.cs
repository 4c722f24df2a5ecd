using System.Collections.Concurrent;

namespace GameBackend.Core.Leaderboards;

/// <summary>
/// The rank index of a single-process host (Hosts.Local): per board period an indexed skip list plus a player → node
/// dictionary, so setting a score, finding a rank, the node at a rank and the neighbours of a player all take
/// O(log n). It lives in memory only: after a restart every set is unpopulated and the service rebuilds it from the
/// store on first use.
/// </summary>
/// <remarks>
/// One lock per board period: operations on one period are short (microseconds), and different boards never
/// contend. Measured memory per entry (no metadata, 32-character player ids): see docs/benchmarks.md.
/// </remarks>
public sealed class InProcessRankIndex : IRankIndex
{
    private readonly ConcurrentDictionary<(string TitleId, string BoardId, string PeriodKey), RankedSet> _sets = new();

    public ValueTask<bool> IsPopulatedAsync(RankBoard board, CancellationToken ct = default) =>
        ValueTask.FromResult(Find(board) is { } set && set.Populated);

    public ValueTask<bool> SetAsync(RankBoard board, RankedRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var set = GetOrAdd(board);
        lock (set.Gate)
        {
            return ValueTask.FromResult(set.Apply(record));
        }
    }

    public ValueTask<bool> RemoveAsync(RankBoard board, string playerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerId);
        if (Find(board) is not { } set)
        {
            return ValueTask.FromResult(false);
        }

        lock (set.Gate)
        {
            if (!set.Nodes.Remove(playerId, out var node))
            {
                return ValueTask.FromResult(false);
            }

            set.List.Remove(node);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<RankedEntry?> GetAsync(RankBoard board, string playerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerId);
        if (Find(board) is not { } set)
        {
            return ValueTask.FromResult<RankedEntry?>(null);
        }

        lock (set.Gate)
        {
            return ValueTask.FromResult<RankedEntry?>(set.Nodes.TryGetValue(playerId, out var node)
                ? new RankedEntry(set.List.RankOf(node) - 1, set.ToRecord(node))
                : null);
        }
    }

    public ValueTask<IReadOnlyList<RankedEntry>> RangeAsync(RankBoard board, long offset, int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Find(board) is not { } set)
        {
            return ValueTask.FromResult<IReadOnlyList<RankedEntry>>([]);
        }

        lock (set.Gate)
        {
            return ValueTask.FromResult(set.Walk(offset, count));
        }
    }

    public ValueTask<IReadOnlyList<RankedEntry>> AroundAsync(RankBoard board, string playerId, int radius, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerId);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        if (Find(board) is not { } set)
        {
            return ValueTask.FromResult<IReadOnlyList<RankedEntry>>([]);
        }

        lock (set.Gate)
        {
            if (!set.Nodes.TryGetValue(playerId, out var node))
            {
                return ValueTask.FromResult<IReadOnlyList<RankedEntry>>([]);
            }

            long rank = set.List.RankOf(node) - 1;
            var first = Math.Max(0, rank - radius);
            return ValueTask.FromResult(set.Walk(first, (int)(rank - first) + radius + 1));
        }
    }

    public ValueTask<IReadOnlyList<RankedEntry>> GetManyAsync(RankBoard board, IReadOnlyCollection<string> playerIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerIds);
        if (Find(board) is not { } set || playerIds.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<RankedEntry>>([]);
        }

        var entries = new List<RankedEntry>(playerIds.Count);
        lock (set.Gate)
        {
            foreach (var playerId in playerIds.Distinct(StringComparer.Ordinal))
            {
                if (set.Nodes.TryGetValue(playerId, out var node))
                {
                    entries.Add(new RankedEntry(set.List.RankOf(node) - 1, set.ToRecord(node)));
                }
            }
        }

        entries.Sort(static (a, b) => a.Rank.CompareTo(b.Rank));
        return ValueTask.FromResult<IReadOnlyList<RankedEntry>>(entries);
    }

    public ValueTask<long> CountAsync(RankBoard board, CancellationToken ct = default)
    {
        if (Find(board) is not { } set)
        {
            return ValueTask.FromResult(0L);
        }

        lock (set.Gate)
        {
            return ValueTask.FromResult((long)set.List.Count);
        }
    }

    public async ValueTask RebuildAsync(RankBoard board, IAsyncEnumerable<RankedRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var set = GetOrAdd(board);
        await foreach (var record in records.WithCancellation(ct))
        {
            lock (set.Gate)
            {
                set.Apply(record);
            }
        }

        set.Populated = true;
    }

    public ValueTask ClearAsync(RankBoard board, CancellationToken ct = default)
    {
        _sets.TryRemove(KeyOf(board), out _);
        return ValueTask.CompletedTask;
    }

    private RankedSet? Find(RankBoard board) => _sets.TryGetValue(KeyOf(board), out var set) ? set : null;

    private RankedSet GetOrAdd(RankBoard board) =>
        _sets.GetOrAdd(KeyOf(board), static (_, order) => new RankedSet(order), board.SortOrder);

    private static (string, string, string) KeyOf(RankBoard board) => (board.TitleId, board.BoardId, board.PeriodKey);

    /// <summary>One board period: the ordered list, the player → node map, and whether it holds the whole store.</summary>
    private sealed class RankedSet(LeaderboardSortOrder sortOrder)
    {
        public Lock Gate { get; } = new();

        public RankSkipList List { get; } = new();

        public Dictionary<string, RankSkipList.Node> Nodes { get; } = new(StringComparer.Ordinal);

        /// <summary>Written after a rebuild's last record; read without the lock (a stale false only costs a redundant rebuild).</summary>
        public volatile bool Populated;

        /// <summary>Applies the record if it is newer than the player's entry; the caller holds <see cref="Gate"/>.</summary>
        public bool Apply(RankedRecord record)
        {
            var sortKey = SortKeyOf(record.Score);
            if (Nodes.TryGetValue(record.PlayerId, out var node))
            {
                if (record.Revision <= node.Revision)
                {
                    return false;
                }

                if (sortKey != node.SortKey)
                {
                    List.Remove(node);
                    node.SortKey = sortKey;
                    List.Insert(node);
                }
            }
            else
            {
                node = List.CreateNode(record.PlayerId, sortKey);
                List.Insert(node);
                Nodes.Add(record.PlayerId, node);
            }

            node.Revision = record.Revision;
            node.UpdatedAtUtcTicks = record.UpdatedAt.UtcTicks;
            node.Metadata = record.Metadata;
            return true;
        }

        /// <summary>Up to <paramref name="count"/> entries from the 0-based rank <paramref name="offset"/>; the caller holds <see cref="Gate"/>.</summary>
        public IReadOnlyList<RankedEntry> Walk(long offset, int count)
        {
            var available = List.Count - offset;
            if (available <= 0 || count == 0)
            {
                return [];
            }

            var take = (int)Math.Min(count, available);
            var entries = new RankedEntry[take];
            var node = List.AtRank(offset + 1);
            for (var i = 0; i < take && node is not null; i++, node = node.Next)
            {
                entries[i] = new RankedEntry(offset + i, ToRecord(node));
            }

            return entries;
        }

        public RankedRecord ToRecord(RankSkipList.Node node) =>
            new(node.PlayerId, ScoreOf(node.SortKey), node.Revision, new DateTimeOffset(node.UpdatedAtUtcTicks, TimeSpan.Zero), node.Metadata);

        /// <summary>The list is ascending; a descending board stores negated scores. +0.0 replaces -0.0 so zero has one place.</summary>
        private double SortKeyOf(double score) => (sortOrder == LeaderboardSortOrder.Descending ? -score : score) + 0.0;

        private double ScoreOf(double sortKey) => (sortOrder == LeaderboardSortOrder.Descending ? -sortKey : sortKey) + 0.0;
    }
}
