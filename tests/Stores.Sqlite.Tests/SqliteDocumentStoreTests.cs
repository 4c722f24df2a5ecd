using System.Text;
using GameBackend.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Stores.Sqlite.Tests;

/// <summary>What only the SQLite store promises: the file, durability, the sweeper, group commit under load.</summary>
public sealed class SqliteDocumentStoreTests(TemporaryFolder folder) : IClassFixture<TemporaryFolder>
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Start);

    [Fact]
    public async Task Data_survives_closing_and_reopening_the_file()
    {
        var path = folder.NewDatabasePath();
        var key = new ItemKey("title", "accounts", "player-1");
        string version;
        await using (var store = Open(path))
        {
            version = (await store.CreateAsync(new NewItem(key, Json("""{"name":"Ada"}"""), Start.AddDays(1)))).Version!;
        }

        await using (var reopened = Open(path))
        {
            var item = await reopened.GetAsync(key);
            Assert.NotNull(item);
            Assert.Equal("""{"name":"Ada"}""", Text(item.Body));
            Assert.Equal(version, item.Version);
            Assert.Equal(Start.AddDays(1), item.ExpiresAt);
            Assert.Equal(WriteOutcome.Written, (await reopened.ReplaceAsync(new NewItem(key, Json("{}")), version)).Outcome);
        }
    }

    [Fact]
    public async Task Versions_are_never_reused_across_reopening_even_after_the_newest_item_was_deleted()
    {
        var path = folder.NewDatabasePath();
        var key = new ItemKey("title", "p", "recycled");
        string deletedVersion;
        await using (var store = Open(path))
        {
            await store.CreateAsync(new NewItem(new ItemKey("title", "p", "older"), Json("{}")));
            deletedVersion = (await store.CreateAsync(new NewItem(key, Json("""{"generation":1}""")))).Version!;
            Assert.Equal(WriteOutcome.Written, (await store.DeleteAsync(key, deletedVersion)).Outcome);
        }

        await using (var reopened = Open(path))
        {
            var recreated = await reopened.CreateAsync(new NewItem(key, Json("""{"generation":2}""")));
            var staleReplace = await reopened.ReplaceAsync(new NewItem(key, Json("""{"generation":"stale"}""")), deletedVersion);

            Assert.NotEqual(deletedVersion, recreated.Version);
            Assert.Equal(WriteOutcome.VersionMismatch, staleReplace.Outcome);
        }
    }

    [Fact]
    public async Task An_acknowledged_write_is_in_the_file_before_the_store_is_closed()
    {
        var path = folder.NewDatabasePath();
        var key = new ItemKey("title", "p", "acknowledged");
        var store = Open(path);
        try
        {
            var written = await store.CreateAsync(new NewItem(key, Json("""{"durable":true}""")));
            Assert.Equal(WriteOutcome.Written, written.Outcome);

            // A second store on the same file sees the write while the first is still open.
            await using (var second = Open(path))
            {
                Assert.Equal(written.Version, (await second.GetAsync(key))?.Version);
            }

            // Copying the database and its WAL (no -shm, no clean close) is what a killed process leaves
            // behind; opening the copy must replay the acknowledged write.
            var crashCopy = folder.NewDatabasePath();
            File.Copy(path, crashCopy);
            File.Copy(path + "-wal", crashCopy + "-wal");
            await using var recovered = Open(crashCopy);
            var item = await recovered.GetAsync(key);
            Assert.NotNull(item);
            Assert.Equal("""{"durable":true}""", Text(item.Body));
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Committed_writes_reach_the_database_file_through_background_checkpoints_while_the_store_stays_open()
    {
        var path = folder.NewDatabasePath();
        await using var store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(path) { CheckpointInterval = TimeSpan.FromMilliseconds(20) }, time);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(n =>
            store.CreateAsync(new NewItem(new ItemKey("title", "p", $"k{n:D3}"), Json("{}")))));

        // 300 small items are far below the writer's own checkpoint threshold: only the background
        // checkpointer can have moved them from the WAL into the database file.
        var ticksAfterWrites = store.BackgroundCheckpoints;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (store.BackgroundCheckpoints < ticksAfterWrites + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var fileOnly = folder.NewDatabasePath();
        File.Copy(path, fileOnly); // the database file alone, without its WAL
        using var connection = new SqliteConnection($"Data Source={fileOnly};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM items WHERE title = 'title';";
        Assert.Equal(300L, Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_and_a_clean_close_empties_the_WAL()
    {
        var path = folder.NewDatabasePath();
        await using (var store = Open(path))
        {
            for (var n = 0; n < 20; n++)
            {
                await store.CreateAsync(new NewItem(new ItemKey("title", "p", $"k{n}"), Json("{}")));
            }

            Assert.True(new FileInfo(path + "-wal").Length > 0);
        }

        Assert.True(!File.Exists(path + "-wal") || new FileInfo(path + "-wal").Length == 0);
        Assert.Equal("wal", ExecuteScalar(path, "PRAGMA journal_mode;"));
        Assert.Equal(20L, ExecuteScalar(path, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task The_sweeper_deletes_expired_rows_in_batches_and_keeps_live_ones()
    {
        var path = folder.NewDatabasePath();
        var options = new SqliteDocumentStoreOptions(path) { SweepInterval = TimeSpan.FromMinutes(1), SweepBatchSize = 10 };
        await using var store = new SqliteDocumentStore(options, time);
        for (var n = 0; n < 35; n++)
        {
            await store.CreateAsync(new NewItem(new ItemKey("title", "sessions", $"expiring-{n:D2}"), Json("{}"), Start.AddSeconds(30)));
        }

        for (var n = 0; n < 5; n++)
        {
            await store.CreateAsync(new NewItem(new ItemKey("title", "sessions", $"later-{n}"), Json("{}"), Start.AddHours(1)));
            await store.CreateAsync(new NewItem(new ItemKey("title", "profiles", $"forever-{n}"), Json("{}")));
        }

        Assert.Equal(45L, ExecuteScalar(path, "SELECT count(*) FROM items;"));

        time.Advance(TimeSpan.FromMinutes(1));
        var remaining = await WaitForRowCountAsync(path, expected: 10);

        Assert.Equal(10L, remaining);
        Assert.Equal(0L, ExecuteScalar(path, "SELECT count(*) FROM items WHERE sort_key LIKE 'expiring-%';"));
        Assert.Equal(5, (await store.QueryAsync(new Query("title", "sessions", SortKeyCondition.All))).Items.Count);
    }

    [Fact]
    public async Task The_sweeper_leaves_rows_alone_before_their_expiry()
    {
        var path = folder.NewDatabasePath();
        var options = new SqliteDocumentStoreOptions(path) { SweepInterval = TimeSpan.FromMinutes(1) };
        await using var store = new SqliteDocumentStore(options, time);
        await store.CreateAsync(new NewItem(new ItemKey("title", "p", "later"), Json("{}"), Start.AddMinutes(10)));
        await store.CreateAsync(new NewItem(new ItemKey("title", "p", "soon"), Json("{}"), Start.AddSeconds(10)));

        time.Advance(TimeSpan.FromMinutes(1));
        var remaining = await WaitForRowCountAsync(path, expected: 1);

        Assert.Equal(1L, remaining);
        Assert.NotNull(await store.GetAsync(new ItemKey("title", "p", "later")));
    }

    [Fact]
    public async Task Thousands_of_concurrent_creates_are_all_acknowledged_and_readable()
    {
        const int Writers = 64;
        const int Items = 2_000;
        await using var store = Open(folder.NewDatabasePath());
        var next = -1;

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            var outcomes = new List<(int Item, WriteResult Result)>();
            int item;
            while ((item = Interlocked.Increment(ref next)) < Items)
            {
                var key = new ItemKey("title", "load", $"item-{item:D5}");
                outcomes.Add((item, await store.CreateAsync(new NewItem(key, Json($$"""{"n":{{item}}}""")))));
            }

            return outcomes;
        })));

        var all = results.SelectMany(outcomes => outcomes).ToList();
        Assert.Equal(Items, all.Count);
        Assert.All(all, outcome => Assert.Equal(WriteOutcome.Written, outcome.Result.Outcome));
        Assert.Equal(Items, all.Select(outcome => outcome.Result.Version).Distinct().Count());

        var read = new List<StoredItem>();
        var query = new Query("title", "load", SortKeyCondition.All, Limit: Query.MaxLimit);
        while (true)
        {
            var page = await store.QueryAsync(query);
            read.AddRange(page.Items);
            if (page.ContinuationToken is null)
            {
                break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }

        Assert.Equal(Enumerable.Range(0, Items).Select(n => $"item-{n:D5}"), read.Select(item => item.Key.SortKey));
        Assert.All(read, item => Assert.Equal($$"""{"n":{{int.Parse(item.Key.SortKey[5..], System.Globalization.CultureInfo.InvariantCulture)}}}""", Text(item.Body)));
        foreach (var (item, result) in all.Where(outcome => outcome.Item % 97 == 0))
        {
            Assert.Equal(result.Version, (await store.GetAsync(new ItemKey("title", "load", $"item-{item:D5}")))?.Version);
        }
    }

    [Fact]
    public async Task Disposing_commits_writes_already_queued()
    {
        var path = folder.NewDatabasePath();
        var store = Open(path);
        var pending = Enumerable.Range(0, 500)
            .Select(n => store.CreateAsync(new NewItem(new ItemKey("title", "p", $"k{n:D3}"), Json("{}"))))
            .ToList();

        await store.DisposeAsync();

        Assert.All(pending, task => Assert.True(task.IsCompletedSuccessfully));
        Assert.All(pending, task => Assert.Equal(WriteOutcome.Written, task.Result.Outcome));
        Assert.Equal(500L, ExecuteScalar(path, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public async Task Calls_after_dispose_throw_ObjectDisposedException()
    {
        var store = Open(folder.NewDatabasePath());
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CreateAsync(new NewItem(new ItemKey("t", "p", "s"), Json("{}"))));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync(new ItemKey("t", "p", "s")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.QueryAsync(new Query("t", "p", SortKeyCondition.All)));
        await store.DisposeAsync();
    }

    [Fact]
    public async Task A_write_cancelled_before_it_runs_is_cancelled_and_writes_nothing()
    {
        await using var store = Open(folder.NewDatabasePath());
        var key = new ItemKey("title", "p", "cancelled");
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.CreateAsync(new NewItem(key, Json("{}")), cancellation.Token));
        Assert.Null(await store.GetAsync(key));
    }

    [Fact]
    public async Task Reads_wait_for_a_free_connection_when_all_are_busy()
    {
        var options = new SqliteDocumentStoreOptions(folder.NewDatabasePath()) { ReaderConnections = 1 };
        await using var store = new SqliteDocumentStore(options, time);
        var key = new ItemKey("title", "p", "shared");
        var version = (await store.CreateAsync(new NewItem(key, Json("{}")))).Version;

        var reads = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => store.GetAsync(key))));

        Assert.All(reads, item => Assert.Equal(version, item?.Version));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sort_keys_holding_control_characters_sort_and_page_correctly(bool descending)
    {
        await using var store = Open(folder.NewDatabasePath());
        string[] keys = ["a", "a\0", "a\0\0", "a\0b", "a\u0001", "a\u0001\0", "b", "b\0"];
        foreach (var key in keys.Reverse())
        {
            Assert.Equal(WriteOutcome.Written, (await store.CreateAsync(new NewItem(new ItemKey("title", "p", key), Json("{}")))).Outcome);
        }

        var seen = new List<string>();
        var query = new Query("title", "p", SortKeyCondition.All, descending, Limit: 1);
        while (true)
        {
            var page = await store.QueryAsync(query);
            seen.AddRange(page.Items.Select(item => item.Key.SortKey));
            if (page.ContinuationToken is null)
            {
                break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }

        var prefixA = await store.QueryAsync(new Query("title", "p", SortKeyCondition.BeginsWith("a\0"), descending));
        Assert.Equal(descending ? keys.Reverse() : keys, seen);
        string[] expectedPrefix = ["a\0", "a\0\0", "a\0b"];
        Assert.Equal(descending ? expectedPrefix.Reverse() : expectedPrefix, prefixA.Items.Select(item => item.Key.SortKey));
    }

    [Fact]
    public async Task A_token_from_another_condition_or_direction_is_rejected()
    {
        await using var store = Open(folder.NewDatabasePath());
        foreach (var key in new[] { "a1", "a2", "a3", "b1" })
        {
            await store.CreateAsync(new NewItem(new ItemKey("title", "p", key), Json("{}")));
        }

        var page = await store.QueryAsync(new Query("title", "p", SortKeyCondition.BeginsWith("a"), Limit: 1));

        Assert.NotNull(page.ContinuationToken);
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            store.QueryAsync(new Query("title", "p", SortKeyCondition.All, Limit: 1, ContinuationToken: page.ContinuationToken)));
        await Assert.ThrowsAsync<InvalidContinuationTokenException>(() =>
            store.QueryAsync(new Query("title", "p", SortKeyCondition.BeginsWith("a"), Descending: true, Limit: 1, ContinuationToken: page.ContinuationToken)));
        var next = await store.QueryAsync(new Query("title", "p", SortKeyCondition.BeginsWith("a"), Limit: 5, ContinuationToken: page.ContinuationToken));
        Assert.Equal(["a2", "a3"], next.Items.Select(item => item.Key.SortKey));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Keys_with_unpaired_surrogates_throw_ArgumentException(int example)
    {
        // Built here rather than passed in: the test runner's serializer would replace the lone surrogates.
        var sortKey = new[] { "\uD800", "a\uDC00b", "\uDBFFx" }[example];
        await using var store = Open(folder.NewDatabasePath());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CreateAsync(new NewItem(new ItemKey("title", "p", sortKey), Json("{}"))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.QueryAsync(new Query("title", "p", SortKeyCondition.BeginsWith(sortKey))));
    }

    [Fact]
    public void Invalid_options_are_rejected_at_construction()
    {
        var path = folder.NewDatabasePath();

        Assert.ThrowsAny<ArgumentException>(() => new SqliteDocumentStore(new SqliteDocumentStoreOptions(path) { ReaderConnections = 0 }, time));
        Assert.ThrowsAny<ArgumentException>(() => new SqliteDocumentStore(new SqliteDocumentStoreOptions(path) { SweepInterval = TimeSpan.Zero }, time));
        Assert.ThrowsAny<ArgumentException>(() => new SqliteDocumentStore(new SqliteDocumentStoreOptions(" "), time));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Opening_a_file_in_a_missing_folder_fails()
    {
        var path = Path.Combine(folder.Path, "missing-folder", "store.db");

        Assert.Throws<SqliteException>(() => new SqliteDocumentStore(new SqliteDocumentStoreOptions(path), time));
    }

    private SqliteDocumentStore Open(string path) => new(new SqliteDocumentStoreOptions(path), time);

    private static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    private static string Text(byte[] body) => Encoding.UTF8.GetString(body);

    private static object? ExecuteScalar(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>The sweeper runs in the background after the clock ticks; poll the file until it has done its work.</summary>
    private static async Task<long> WaitForRowCountAsync(string path, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long count;
        while ((count = (long)ExecuteScalar(path, "SELECT count(*) FROM items;")!) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return count;
    }
}
