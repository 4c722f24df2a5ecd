using GameBackend.Core.Leaderboards;
using GameBackend.Leaderboards.ContractTests;

namespace GameBackend.Redis.Tests;

/// <summary>The shared rank-index contract against real Redis sorted sets, plus what only Redis can do (be flushed, be shared).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRankIndexTests(RedisServerFixture redis) : RankIndexContract
{
    private readonly RedisRankIndex _index = new(redis.Connection);

    protected override IRankIndex Index => _index;

    /// <summary>Each operation is a network round trip; fewer random steps keep the suite quick and still cover ties and removals.</summary>
    protected override int RandomOperationCount => 1500;

    [Fact]
    public async Task A_flush_drops_the_populated_mark_and_a_rebuild_restores_every_entry()
    {
        var board = NewBoard();
        var records = Enumerable.Range(0, 1234).Select(i => Record($"p{i:D4}", i % 100, revision: 3, metadata: i % 2 == 0 ? $$"""{"i":{{i}}}""" : null)).ToArray();
        await Index.RebuildAsync(board, Stream(records));
        var before = await Index.RangeAsync(board, 0, 2000);
        Assert.Equal(1234, before.Count);

        await redis.Server.FlushAllDatabasesAsync();
        Assert.False(await Index.IsPopulatedAsync(board));
        Assert.Equal(0, await Index.CountAsync(board));

        await Index.RebuildAsync(board, Stream(records));
        Assert.True(await Index.IsPopulatedAsync(board));
        var after = await Index.RangeAsync(board, 0, 2000);
        Assert.Equal(before.Select(e => (e.Rank, e.Record.PlayerId, e.Record.Score, e.Record.Revision, e.Record.UpdatedAt)),
            after.Select(e => (e.Rank, e.Record.PlayerId, e.Record.Score, e.Record.Revision, e.Record.UpdatedAt)));
        Assert.Equal(before.Select(e => e.Record.Metadata is null ? null : Convert.ToBase64String(e.Record.Metadata)),
            after.Select(e => e.Record.Metadata is null ? null : Convert.ToBase64String(e.Record.Metadata)));
    }

    [Fact]
    public async Task Two_hosts_share_one_set()
    {
        var board = NewBoard();
        var otherHost = new RedisRankIndex(redis.Connection);
        await Index.SetAsync(board, Record("a", 10, revision: 1));
        Assert.False(await otherHost.SetAsync(board, Record("a", 1, revision: 1)));
        Assert.True(await otherHost.SetAsync(board, Record("b", 20, revision: 1)));
        Assert.Equal(["b", "a"], Players(await Index.RangeAsync(board, 0, 10)));
    }

    [Fact]
    public void Keys_of_a_board_period_share_one_hash_tag()
    {
        var keys = _index.KeysOf(new RankBoard("t1", "weekly", "123.20300101T000000Z", LeaderboardSortOrder.Descending));
        Assert.Equal("gb:{t1:lb:weekly:123.20300101T000000Z}:z", (string)keys.Scores!);
        Assert.Equal("gb:{t1:lb:weekly:123.20300101T000000Z}:d", (string)keys.Data!);
        Assert.Equal("gb:{t1:lb:weekly:123.20300101T000000Z}:ready", (string)keys.Ready!);
    }
}
