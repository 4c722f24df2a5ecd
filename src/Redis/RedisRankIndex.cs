using System.Globalization;
using System.Text;
using GameBackend.Core.Leaderboards;
using StackExchange.Redis;

namespace GameBackend.Redis;

/// <summary>
/// The rank index of cloud deployments: one Redis sorted set per board period, shared by every stateless host.
/// </summary>
/// <remarks>
/// <para>Keys, all with one hash tag so a Redis Cluster keeps a board period on one slot (the scripts touch all three):
/// <c>{prefix}:{&lt;titleId&gt;:lb:&lt;boardId&gt;:&lt;periodKey&gt;}:z</c> the sorted set (member = player id),
/// <c>…:d</c> a hash player id → "revision|updatedAtTicks|metadata", and <c>…:ready</c> the populated mark.</para>
/// <para>Descending boards store negated scores, so every read is an ascending ZRANK/ZRANGE and ties order by player id
/// ascending on both kinds of board, exactly as <see cref="InProcessRankIndex"/> orders them.</para>
/// <para>Every write is a Lua script, so "apply only if the revision is higher" is atomic on the server and two hosts
/// racing to update one player cannot leave the older value behind.</para>
/// <para>A FLUSHALL, a failover to an empty replica, or eviction drops the ready mark with the data, and the service
/// rebuilds from the store. Run Redis for ranks with <c>maxmemory-policy noeviction</c> so keys are never half evicted.</para>
/// </remarks>
public sealed class RedisRankIndex : IRankIndex
{
    /// <summary>Records per script call while rebuilding: large enough to amortize round trips, small enough not to block Redis.</summary>
    internal const int RebuildBatchSize = 500;

    private const string SetScript = """
        local current = redis.call('HGET', KEYS[2], ARGV[1])
        if current and tonumber(string.match(current, '^(-?%d+)')) >= tonumber(ARGV[3]) then
          return 0
        end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
        return 1
        """;

    private const string SetManyScript = """
        local applied = 0
        for i = 1, #ARGV, 4 do
          local current = redis.call('HGET', KEYS[2], ARGV[i])
          if not current or tonumber(string.match(current, '^(-?%d+)')) < tonumber(ARGV[i + 2]) then
            redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
            redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 3])
            applied = applied + 1
          end
        end
        return applied
        """;

    private const string RemoveScript = """
        redis.call('HDEL', KEYS[2], ARGV[1])
        return redis.call('ZREM', KEYS[1], ARGV[1])
        """;

    /// <summary>Scores travel as strings: Lua numbers would truncate them to integers on the way back.</summary>
    private const string GetManyScript = """
        local found = {}
        for i = 1, #ARGV do
          local rank = redis.call('ZRANK', KEYS[1], ARGV[i])
          if rank then
            found[#found + 1] = ARGV[i]
            found[#found + 1] = rank
            found[#found + 1] = redis.call('ZSCORE', KEYS[1], ARGV[i])
            found[#found + 1] = redis.call('HGET', KEYS[2], ARGV[i]) or ''
          end
        end
        return found
        """;

    /// <summary>ARGV[1] is the first rank; or, with ARGV[3] a player id, the player's rank minus ARGV[1].</summary>
    private const string RangeScript = """
        local first = tonumber(ARGV[1])
        local last
        if ARGV[3] then
          local rank = redis.call('ZRANK', KEYS[1], ARGV[3])
          if not rank then
            return {}
          end
          first = math.max(0, rank - tonumber(ARGV[1]))
          last = rank + tonumber(ARGV[2])
        else
          last = first + tonumber(ARGV[2]) - 1
        end
        local members = redis.call('ZRANGE', KEYS[1], first, last, 'WITHSCORES')
        if #members == 0 then
          return {}
        end
        local ids = {}
        for i = 1, #members, 2 do
          ids[#ids + 1] = members[i]
        end
        local data = redis.call('HMGET', KEYS[2], unpack(ids))
        local result = { first }
        for i = 1, #ids do
          result[#result + 1] = ids[i]
          result[#result + 1] = members[i * 2]
          result[#result + 1] = data[i] or ''
        end
        return result
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;

    /// <param name="redis">A shared connection (StackExchange.Redis multiplexes every caller over it).</param>
    /// <param name="keyPrefix">Prefix of every key, so one Redis can serve several deployments.</param>
    public RedisRankIndex(IConnectionMultiplexer redis, string keyPrefix = "gb")
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _redis = redis;
        _prefix = keyPrefix;
    }

    private IDatabase Database => _redis.GetDatabase();

    public async ValueTask<bool> IsPopulatedAsync(RankBoard board, CancellationToken ct = default) =>
        await Database.KeyExistsAsync(KeysOf(board).Ready);

    public async ValueTask<bool> SetAsync(RankBoard board, RankedRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var keys = KeysOf(board);
        var result = await Database.ScriptEvaluateAsync(SetScript, [keys.Scores, keys.Data],
            [record.PlayerId, SortKeyOf(board, record.Score), record.Revision, Payload(record)]);
        return (long)result == 1;
    }

    public async ValueTask<bool> RemoveAsync(RankBoard board, string playerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerId);
        var keys = KeysOf(board);
        var result = await Database.ScriptEvaluateAsync(RemoveScript, [keys.Scores, keys.Data], [playerId]);
        return (long)result == 1;
    }

    public async ValueTask<RankedEntry?> GetAsync(RankBoard board, string playerId, CancellationToken ct = default)
    {
        var entries = await GetManyAsync(board, [playerId], ct);
        return entries.Count == 0 ? null : entries[0];
    }

    public async ValueTask<IReadOnlyList<RankedEntry>> RangeAsync(RankBoard board, long offset, int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return [];
        }

        var keys = KeysOf(board);
        var result = await Database.ScriptEvaluateAsync(RangeScript, [keys.Scores, keys.Data], [offset, count]);
        return ReadRange(board, result);
    }

    public async ValueTask<IReadOnlyList<RankedEntry>> AroundAsync(RankBoard board, string playerId, int radius, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerId);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        var keys = KeysOf(board);
        var result = await Database.ScriptEvaluateAsync(RangeScript, [keys.Scores, keys.Data], [radius, radius, playerId]);
        return ReadRange(board, result);
    }

    public async ValueTask<IReadOnlyList<RankedEntry>> GetManyAsync(RankBoard board, IReadOnlyCollection<string> playerIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerIds);
        if (playerIds.Count == 0)
        {
            return [];
        }

        var keys = KeysOf(board);
        var players = playerIds.Distinct(StringComparer.Ordinal).Select(p => (RedisValue)p).ToArray();
        var found = (RedisResult[])(await Database.ScriptEvaluateAsync(GetManyScript, [keys.Scores, keys.Data], players))!;
        var entries = new List<RankedEntry>(found.Length / 4);
        for (var i = 0; i + 3 < found.Length; i += 4)
        {
            entries.Add(new RankedEntry((long)found[i + 1], ToRecord(board, (string)found[i]!, (string)found[i + 2]!, (string)found[i + 3]!)));
        }

        entries.Sort(static (a, b) => a.Rank.CompareTo(b.Rank));
        return entries;
    }

    public async ValueTask<long> CountAsync(RankBoard board, CancellationToken ct = default) =>
        await Database.SortedSetLengthAsync(KeysOf(board).Scores);

    public async ValueTask RebuildAsync(RankBoard board, IAsyncEnumerable<RankedRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var keys = KeysOf(board);
        var batch = new List<RedisValue>(RebuildBatchSize * 4);
        await foreach (var record in records.WithCancellation(ct))
        {
            batch.Add(record.PlayerId);
            batch.Add(SortKeyOf(board, record.Score));
            batch.Add(record.Revision);
            batch.Add(Payload(record));
            if (batch.Count == RebuildBatchSize * 4)
            {
                await Database.ScriptEvaluateAsync(SetManyScript, [keys.Scores, keys.Data], [.. batch]);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await Database.ScriptEvaluateAsync(SetManyScript, [keys.Scores, keys.Data], [.. batch]);
        }

        await Database.StringSetAsync(keys.Ready, 1);
    }

    public async ValueTask ClearAsync(RankBoard board, CancellationToken ct = default)
    {
        var keys = KeysOf(board);
        await Database.KeyDeleteAsync([keys.Scores, keys.Data, keys.Ready]);
    }

    /// <summary>The three keys of a board period; public to tests so they can check the layout.</summary>
    internal BoardKeys KeysOf(RankBoard board)
    {
        var tag = $"{_prefix}:{{{board.TitleId}:lb:{board.BoardId}:{board.PeriodKey}}}";
        return new BoardKeys(tag + ":z", tag + ":d", tag + ":ready");
    }

    internal readonly record struct BoardKeys(RedisKey Scores, RedisKey Data, RedisKey Ready);

    /// <summary>+0.0 replaces -0.0 so zero has one place; "R" round-trips every double exactly.</summary>
    private static string SortKeyOf(RankBoard board, double score) =>
        ((board.SortOrder == LeaderboardSortOrder.Descending ? -score : score) + 0.0).ToString("R", CultureInfo.InvariantCulture);

    private static double ScoreOf(RankBoard board, string sortKey)
    {
        var value = double.Parse(sortKey, NumberStyles.Float, CultureInfo.InvariantCulture);
        return (board.SortOrder == LeaderboardSortOrder.Descending ? -value : value) + 0.0;
    }

    /// <summary>"revision|updatedAtTicks|metadata": the revision first, where the scripts read it.</summary>
    private static string Payload(RankedRecord record) => string.Create(CultureInfo.InvariantCulture,
        $"{record.Revision}|{record.UpdatedAt.UtcTicks}|{(record.Metadata is null ? string.Empty : Encoding.UTF8.GetString(record.Metadata))}");

    private static RankedRecord ToRecord(RankBoard board, string playerId, string sortKey, string payload)
    {
        var first = payload.IndexOf('|', StringComparison.Ordinal);
        var second = first < 0 ? -1 : payload.IndexOf('|', first + 1);
        if (second < 0)
        {
            // The data hash lost the entry (partial eviction): the score is still right; revision 0 lets any write replace it.
            return new RankedRecord(playerId, ScoreOf(board, sortKey), 0, DateTimeOffset.UnixEpoch, null);
        }

        var revision = long.Parse(payload.AsSpan(0, first), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var ticks = long.Parse(payload.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture);
        var metadata = second + 1 == payload.Length ? null : Encoding.UTF8.GetBytes(payload[(second + 1)..]);
        return new RankedRecord(playerId, ScoreOf(board, sortKey), revision, new DateTimeOffset(ticks, TimeSpan.Zero), metadata);
    }

    private static IReadOnlyList<RankedEntry> ReadRange(RankBoard board, RedisResult result)
    {
        var items = (RedisResult[])result!;
        if (items.Length == 0)
        {
            return [];
        }

        var first = (long)items[0];
        var entries = new RankedEntry[(items.Length - 1) / 3];
        for (var i = 0; i < entries.Length; i++)
        {
            var at = 1 + (i * 3);
            entries[i] = new RankedEntry(first + i, ToRecord(board, (string)items[at]!, (string)items[at + 1]!, (string)items[at + 2]!));
        }

        return entries;
    }
}
