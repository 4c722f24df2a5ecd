using System.Text;
using GameBackend.Archive.Parquet;
using GameBackend.Archive.Tests.Parquet;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;

namespace GameBackend.Archive.Tests;

/// <summary>
/// What every <see cref="IObjectStore"/> must do, run against each store. Each test works under its own fresh prefix, so
/// stores may be shared by the tests of a class.
/// </summary>
public abstract class ObjectStoreContract
{
    protected abstract IObjectStore Store { get; }

    private readonly string root = "contract-" + Guid.NewGuid().ToString("N") + "/";

    [Fact]
    public async Task A_put_object_reads_back_byte_for_byte()
    {
        var content = new byte[70_000];
        new Random(7).NextBytes(content);

        await Store.PutAsync(root + "events/title=a/date=2026-11-25/hour=13/batch-1.parquet", content, "application/vnd.apache.parquet");

        Assert.Equal(content, await Store.GetAsync(root + "events/title=a/date=2026-11-25/hour=13/batch-1.parquet"));
    }

    [Fact]
    public async Task An_empty_object_reads_back_empty_not_missing()
    {
        await Store.PutAsync(root + "empty", ReadOnlyMemory<byte>.Empty, "application/octet-stream");

        Assert.Equal(Array.Empty<byte>(), await Store.GetAsync(root + "empty"));
    }

    [Fact]
    public async Task Putting_a_key_again_replaces_the_object_whole()
    {
        await Store.PutAsync(root + "a/b", Encoding.UTF8.GetBytes("a much longer first version"), "text/plain");
        await Store.PutAsync(root + "a/b", Encoding.UTF8.GetBytes("second"), "text/plain");

        Assert.Equal("second", Encoding.UTF8.GetString((await Store.GetAsync(root + "a/b"))!));
        Assert.Equal([root + "a/b"], await ListAsync(root));
    }

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        await Store.PutAsync(root + "a/b/c", "x"u8.ToArray(), "text/plain");

        Assert.Null(await Store.GetAsync(root + "nothing-here"));
        Assert.Null(await Store.GetAsync(root + "no/such/folder/either"));
        Assert.Null(await Store.GetAsync(root + "a/b"));
        Assert.Null(await Store.GetAsync(root + "a/b/c/d"));
    }

    [Fact]
    public async Task Keys_with_spaces_equals_pluses_and_non_ascii_letters_round_trip()
    {
        string[] keys = [root + "title=ab/date=2026-11-25/x y+z.parquet", root + "ü/日本/ça.bin", root + "percent%41/q?r#s&t"];
        foreach (var key in keys)
        {
            await Store.PutAsync(key, Encoding.UTF8.GetBytes(key), "text/plain");
        }

        foreach (var key in keys)
        {
            Assert.Equal(key, Encoding.UTF8.GetString((await Store.GetAsync(key))!));
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), await ListAsync(root));
    }

    [Fact]
    public async Task Listing_returns_the_keys_under_a_prefix_in_ordinal_order()
    {
        // No key is also the folder of another: a folder store cannot hold both ("a/b" and "a/b/c"). No key continues a
        // folder's name with a character below '/' ("a-b" beside "a/…"): s3rver walks folders and lists those out of
        // S3's order (real S3 lists in UTF-8 byte order); the archive's layout never has such neighbours.
        string[] keys = ["a/b/c", "a/b0", "a/B", "a/bc", "b", "a/b/d/e", "aa/x", "a/a", "a0"];
        foreach (var key in keys.Reverse())
        {
            await Store.PutAsync(root + key, "x"u8.ToArray(), "text/plain");
        }

        Assert.Equal(keys.Select(k => root + k).Order(StringComparer.Ordinal), await ListAsync(root));
        Assert.Equal([root + "a/b/c", root + "a/b/d/e", root + "a/b0", root + "a/bc"], await ListAsync(root + "a/b"));
        Assert.Equal([root + "a/b/c", root + "a/b/d/e"], await ListAsync(root + "a/b/"));
        Assert.Equal([root + "a/B", root + "a/a", root + "a/b/c", root + "a/b/d/e", root + "a/b0", root + "a/bc", root + "a0", root + "aa/x"], await ListAsync(root + "a"));
        Assert.Equal([root + "a/b/d/e"], await ListAsync(root + "a/b/d"));
        Assert.Empty(await ListAsync(root + "c"));
        Assert.Empty(await ListAsync(root + "a/b/c/d/"));
    }

    [Fact]
    public async Task Listing_pages_through_many_keys()
    {
        var keys = Enumerable.Range(0, 25).Select(i => root + $"many/k{i:D3}").ToList();
        await Task.WhenAll(keys.Select(k => Store.PutAsync(k, "x"u8.ToArray(), "text/plain")));

        Assert.Equal(keys, await ListAsync(root + "many/"));
    }

    [Fact]
    public async Task The_parquet_archive_writes_through_the_store()
    {
        var title = "0193a5b2c4d57e8f9a0b1c2d3e4f5a6b";
        var time = new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);

        await new ParquetEventArchive(Store).ArchiveAsync("events-0-7", [new BackendEvent(title, "e1", "app_open", time, "p1", null, null)]);

        var key = $"events/title={title}/date=2026-11-25/hour=13/events-0-7.parquet";
        Assert.Equal([key], await ListAsync("events/"));
        var row = Assert.Single((await ArchivedRows.ReadAsync((await Store.GetAsync(key))!)).Rows);
        Assert.Equal(("e1", "p1", time.UtcDateTime), (row.Id, row.PlayerId, row.Time));
    }

    public static TheoryData<string> BadKeys() =>
    [
        "",
        "/absolute",
        "a//b",
        "a/",
        "../escape",
        "a/../../escape",
        "./a",
        "a/.",
        "a/.hidden",
        "_temporary/x",
        "a/b.",
        "a\\b",
        "a\0b",
        "a\nb",
        new string('k', 1025),
        "a/" + new string('s', 256),
    ];

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_bad_key_is_refused_and_writes_nothing(string bad)
    {
        var key = bad.Length > 0 && bad[0] is not '/' && bad.Length < 1000 ? root + bad : bad;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutAsync(key, "x"u8.ToArray(), "text/plain"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(key));
        Assert.Empty(await ListAsync(root));
    }

    [Fact]
    public async Task A_key_with_an_unpaired_surrogate_is_refused()
    {
        // Not theory data: xUnit's serializer would turn the lone surrogate into U+FFFD, a valid key.
        var key = root + "a/\ud800b";

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutAsync(key, "x"u8.ToArray(), "text/plain"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(key));
        Assert.Empty(await ListAsync(root));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("../")]
    [InlineData("a//")]
    [InlineData("a/../")]
    [InlineData("a\\")]
    public async Task A_bad_prefix_is_refused(string prefix)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync(prefix));
    }

    protected async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in Store.ListAsync(prefix))
        {
            keys.Add(key);
        }

        return keys;
    }
}
