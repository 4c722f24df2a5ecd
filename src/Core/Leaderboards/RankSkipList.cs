namespace GameBackend.Core.Leaderboards;

/// <summary>
/// An indexed skip list (the structure behind Redis sorted sets): nodes ordered by (sort key, player id) with, on every
/// forward link, the number of nodes it skips. Summing those spans along a search path gives a node's rank, and following
/// them finds the node at a rank, both in expected O(log n) with no rebalancing. Not thread-safe: the owner locks.
/// </summary>
/// <remarks>
/// Levels are drawn with p = 1/4 (1.33 links per node on average), which keeps nodes small; the search is still short
/// because each level skips four times as far as the one below.
/// </remarks>
internal sealed class RankSkipList
{
    private const int MaxLevel = 32;

    private readonly Node _head = new(string.Empty, 0, MaxLevel);
    private readonly Node[] _update = new Node[MaxLevel];
    private readonly int[] _rankAtLevel = new int[MaxLevel];
    private readonly Random _random;
    private int _level = 1;

    public RankSkipList(int? seed = null)
    {
        _random = seed is { } value ? new Random(value) : new Random();
    }

    public int Count { get; private set; }

    /// <summary>A player's place in the list. <see cref="SortKey"/> is the score as ordered (negated on descending boards).</summary>
    internal sealed class Node
    {
        public Node(string playerId, double sortKey, int levels)
        {
            PlayerId = playerId;
            SortKey = sortKey;
            Levels = new Level[levels];
        }

        public string PlayerId { get; }

        public double SortKey { get; set; }

        public long Revision { get; set; }

        public long UpdatedAtUtcTicks { get; set; }

        public byte[]? Metadata { get; set; }

        public Level[] Levels { get; }

        public Node? Next => Levels[0].Forward;
    }

    /// <summary>One forward link and how many nodes it moves past (1 for the next node).</summary>
    internal struct Level
    {
        public Node? Forward;
        public int Span;
    }

    /// <summary>A new node with a randomly drawn height, not yet in the list.</summary>
    public Node CreateNode(string playerId, double sortKey) => new(playerId, sortKey, RandomLevel());

    /// <summary>Links a node that is not in the list at the place of its (sort key, player id).</summary>
    public void Insert(Node node)
    {
        var current = _head;
        for (var i = _level - 1; i >= 0; i--)
        {
            _rankAtLevel[i] = i == _level - 1 ? 0 : _rankAtLevel[i + 1];
            while (current.Levels[i].Forward is { } next && Precedes(next, node.SortKey, node.PlayerId))
            {
                _rankAtLevel[i] += current.Levels[i].Span;
                current = next;
            }

            _update[i] = current;
        }

        var level = node.Levels.Length;
        if (level > _level)
        {
            for (var i = _level; i < level; i++)
            {
                _rankAtLevel[i] = 0;
                _update[i] = _head;
                _head.Levels[i].Span = Count;
            }

            _level = level;
        }

        for (var i = 0; i < level; i++)
        {
            ref var before = ref _update[i].Levels[i];
            node.Levels[i].Forward = before.Forward;
            before.Forward = node;
            node.Levels[i].Span = before.Span - (_rankAtLevel[0] - _rankAtLevel[i]);
            before.Span = _rankAtLevel[0] - _rankAtLevel[i] + 1;
        }

        for (var i = level; i < _level; i++)
        {
            _update[i].Levels[i].Span++;
        }

        Count++;
    }

    /// <summary>Unlinks a node that is in the list (found by its current sort key and player id).</summary>
    public void Remove(Node node)
    {
        var current = _head;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (current.Levels[i].Forward is { } next && Precedes(next, node.SortKey, node.PlayerId))
            {
                current = next;
            }

            _update[i] = current;
        }

        if (!ReferenceEquals(current.Levels[0].Forward, node))
        {
            throw new InvalidOperationException("The node is not in the list at its key.");
        }

        for (var i = 0; i < _level; i++)
        {
            ref var before = ref _update[i].Levels[i];
            if (ReferenceEquals(before.Forward, node))
            {
                before.Span += node.Levels[i].Span - 1;
                before.Forward = node.Levels[i].Forward;
            }
            else
            {
                before.Span--;
            }
        }

        while (_level > 1 && _head.Levels[_level - 1].Forward is null)
        {
            _level--;
        }

        Array.Clear(node.Levels);
        Count--;
    }

    /// <summary>The 1-based rank of a node that is in the list.</summary>
    public int RankOf(Node node)
    {
        var rank = 0;
        var current = _head;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (current.Levels[i].Forward is { } next && (ReferenceEquals(next, node) || Precedes(next, node.SortKey, node.PlayerId)))
            {
                rank += current.Levels[i].Span;
                current = next;
            }

            if (ReferenceEquals(current, node))
            {
                return rank;
            }
        }

        throw new InvalidOperationException("The node is not in the list at its key.");
    }

    /// <summary>The node at a 1-based rank, or null past the end.</summary>
    public Node? AtRank(long rank)
    {
        if (rank < 1 || rank > Count)
        {
            return null;
        }

        long traversed = 0;
        var current = _head;
        for (var i = _level - 1; i >= 0; i--)
        {
            while (current.Levels[i].Forward is { } next && traversed + current.Levels[i].Span <= rank)
            {
                traversed += current.Levels[i].Span;
                current = next;
            }

            if (traversed == rank)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="node"/> orders before (sortKey, playerId): lower key, then lower player id (ordinal).</summary>
    private static bool Precedes(Node node, double sortKey, string playerId) =>
        node.SortKey < sortKey || (node.SortKey == sortKey && string.CompareOrdinal(node.PlayerId, playerId) < 0);

    private int RandomLevel()
    {
        var level = 1;
        while (level < MaxLevel && (_random.Next() & 3) == 0)
        {
            level++;
        }

        return level;
    }
}
