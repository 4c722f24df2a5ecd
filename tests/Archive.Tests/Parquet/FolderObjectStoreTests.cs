using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;

namespace GameBackend.Archive.Tests.Parquet;

public sealed class FolderObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "gamebackend-archive-" + Guid.NewGuid().ToString("N"));
    private readonly FolderObjectStore store;

    public FolderObjectStoreTests() => store = new FolderObjectStore(folder);

    protected override IObjectStore Store => store;

    [Fact]
    public async Task Objects_are_files_under_the_folder_and_no_temporary_file_is_left()
    {
        await store.PutAsync("events/title=a/x.parquet", "one"u8.ToArray(), "application/vnd.apache.parquet");
        await store.PutAsync("events/title=a/x.parquet", "two"u8.ToArray(), "application/vnd.apache.parquet");

        Assert.Equal("two", File.ReadAllText(Path.Combine(folder, "events", "title=a", "x.parquet")));
        Assert.Equal([Path.Combine(folder, "events", "title=a", "x.parquet")], Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_key_that_is_the_folder_of_other_keys_cannot_also_be_an_object()
    {
        await store.PutAsync("a/b/c", "c"u8.ToArray(), "text/plain");

        await Assert.ThrowsAnyAsync<IOException>(() => store.PutAsync("a/b", "b"u8.ToArray(), "text/plain"));
        await Assert.ThrowsAnyAsync<IOException>(() => store.PutAsync("a/b/c/d", "d"u8.ToArray(), "text/plain"));
        Assert.Equal(["a/b/c"], await ListAsync(""));
        Assert.Equal("c"u8.ToArray(), await store.GetAsync("a/b/c"));
    }

    [Fact]
    public async Task A_stale_temporary_file_from_a_crashed_put_is_not_listed()
    {
        await store.PutAsync("a/x", "x"u8.ToArray(), "text/plain");
        File.WriteAllText(Path.Combine(folder, "a", ".0123456789abcdef0123456789abcdef.partial"), "half");

        Assert.Equal(["a/x"], await ListAsync(""));
    }

    [Fact]
    public async Task No_key_reaches_outside_the_folder()
    {
        var outside = Path.Combine(Path.GetDirectoryName(folder)!, "outside-" + Guid.NewGuid().ToString("N"));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutAsync("../" + Path.GetFileName(outside), "x"u8.ToArray(), "text/plain"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutAsync(outside, "x"u8.ToArray(), "text/plain"));
        await store.PutAsync(outside.TrimStart('/'), "x"u8.ToArray(), "text/plain");

        Assert.False(File.Exists(outside));
        Assert.True(File.Exists(Path.Combine(folder, outside.TrimStart('/'))));
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
