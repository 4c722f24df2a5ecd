using GameBackend.Core.Events;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Tenancy;
using GameBackend.Stores.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Redis.Tests;

/// <summary>The leaderboard service as a cloud host runs it: the store as the source of truth, ranks in Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class LeaderboardServiceOverRedisTests(RedisServerFixture redis) : IAsyncLifetime
{
    /// <summary>The services publish score_submitted; these tests look at ranks, not events.</summary>
    private static BestEffortEventPublisher NoEvents() => new(new InProcessEventBus([]), TimeProvider.System, NullLogger<BestEffortEventPublisher>.Instance);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gamebackend-redis-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteDocumentStore _store = null!;
    private string _title = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(Path.Combine(_folder, "store.db")), _time);
        _title = (await new TitleService(_store, _time).CreateAsync("Redis game", CellType.Dedicated, null)).Value.Title.Id;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Player(int i) => $"{i:D32}";

    [Fact]
    public async Task After_FLUSHALL_the_next_read_rebuilds_from_the_store_and_answers_as_before()
    {
        var leaderboards = new LeaderboardService(_store, new RedisRankIndex(redis.Connection), NoEvents(), _time);
        Assert.True((await leaderboards.CreateAsync(_title, new LeaderboardDefinition("board", null, "increment", null))).IsSuccess);
        for (var i = 1; i <= 300; i++)
        {
            Assert.True((await leaderboards.SubmitAsync(_title, "board", Player(i), i % 37, null)).IsSuccess);
        }

        var before = (await leaderboards.GetTopAsync(_title, "board", null, 100, "100")).Value;
        var aroundBefore = (await leaderboards.GetAroundAsync(_title, "board", Player(150), null, 3)).Value;

        await redis.Server.FlushAllDatabasesAsync();

        // Another host, nothing in Redis: the first read rebuilds.
        var otherHost = new LeaderboardService(_store, new RedisRankIndex(redis.Connection), NoEvents(), _time);
        var after = (await otherHost.GetTopAsync(_title, "board", null, 100, "100")).Value;
        Assert.Equal(300, after.Total);
        Assert.Equal(before.Records.Select(r => (r.PlayerId, r.Rank, r.Score)), after.Records.Select(r => (r.PlayerId, r.Rank, r.Score)));
        Assert.Equal(aroundBefore.Records.Select(r => (r.PlayerId, r.Rank)), (await otherHost.GetAroundAsync(_title, "board", Player(150), null, 3)).Value.Records.Select(r => (r.PlayerId, r.Rank)));

        // Flushed again, then a submission first: it rebuilds before writing, so the increment adds to the stored value.
        await redis.Server.FlushAllDatabasesAsync();
        var submitted = (await leaderboards.SubmitAsync(_title, "board", Player(1), 100, null)).Value;
        Assert.Equal(101, submitted.Score);
        Assert.Equal(1, submitted.Rank);
        Assert.Equal(300, (await leaderboards.GetTopAsync(_title, "board", null, 1, null)).Value.Total);
    }

    [Fact]
    public async Task Forty_parallel_increments_on_two_hosts_sum_exactly()
    {
        var hostA = new LeaderboardService(_store, new RedisRankIndex(redis.Connection), NoEvents(), _time);
        var hostB = new LeaderboardService(_store, new RedisRankIndex(redis.Connection), NoEvents(), _time);
        Assert.True((await hostA.CreateAsync(_title, new LeaderboardDefinition("count", null, "increment", null))).IsSuccess);
        var results = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? hostA : hostB).SubmitAsync(_title, "count", Player(1), i, null))));
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Code));
        Assert.Equal(820, (await hostB.GetRecordAsync(_title, "count", Player(1), null)).Value.Score);
    }
}
