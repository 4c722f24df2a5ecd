using Azure;
using Azure.Storage.Blobs;
using GameBackend.Archive.Blob;
using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;

namespace GameBackend.Archive.Tests.Blob;

/// <summary>The contract against Azurite, paging listings two blobs at a time so every listing crosses pages.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobObjectStoreTests(AzuriteFixture azurite) : ObjectStoreContract, IAsyncLifetime
{
    private BlobContainerClient container = null!;
    private BlobObjectStore store = null!;

    protected override IObjectStore Store => store;

    public async Task InitializeAsync()
    {
        container = await azurite.CreateContainerAsync();
        store = new BlobObjectStore(container, azurite.Options(container.Name, listPageSize: 2));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_blob_holds_exactly_the_bytes_put_with_their_content_type()
    {
        var content = new byte[10_000];
        new Random(3).NextBytes(content);

        await store.PutAsync("events/x.parquet", content, ParquetEventArchive.ContentType);

        var blob = await container.GetBlobClient("events/x.parquet").DownloadContentAsync();
        Assert.Equal(content, blob.Value.Content.ToArray());
        Assert.Equal(ParquetEventArchive.ContentType, blob.Value.Details.ContentType);
    }

    [Fact]
    public async Task A_prefix_keeps_every_blob_under_it_and_out_of_the_keys()
    {
        var prefixed = new BlobObjectStore(container, azurite.Options(container.Name, prefix: "deployments/eu/"));

        await prefixed.PutAsync("events/a", "a"u8.ToArray(), "text/plain");
        await store.PutAsync("events/b", "b"u8.ToArray(), "text/plain");

        var all = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            all.Add(item.Name);
        }

        Assert.Equal(["deployments/eu/events/a", "events/b"], all);
        var listed = new List<string>();
        await foreach (var key in prefixed.ListAsync(""))
        {
            listed.Add(key);
        }

        Assert.Equal(["events/a"], listed);
        Assert.Equal("a"u8.ToArray(), await prefixed.GetAsync("events/a"));
        Assert.Null(await prefixed.GetAsync("events/b"));
    }

    [Fact]
    public async Task A_missing_container_is_an_error_not_a_missing_object()
    {
        var name = "missing-" + Guid.NewGuid().ToString("N")[..8];
        var missing = new BlobObjectStore(new BlobContainerClient(azurite.ConnectionString, name), azurite.Options(name));

        await Assert.ThrowsAsync<RequestFailedException>(() => missing.GetAsync("a"));
        await Assert.ThrowsAsync<RequestFailedException>(() => missing.PutAsync("a", "a"u8.ToArray(), "text/plain"));
    }

    [Theory]
    [InlineData(null, null, "archive", "")]
    [InlineData("connection", "https://account.blob.core.windows.net", "archive", "")]
    [InlineData("connection", null, "Archive", "")]
    [InlineData("connection", null, "ar", "")]
    [InlineData("connection", null, "archive--x", "")]
    [InlineData("connection", null, "archive", "no-slash")]
    [InlineData("connection", null, "archive", "../")]
    public void Unusable_options_are_refused(string? connectionString, string? serviceUri, string containerName, string prefix)
    {
        var options = new BlobObjectStoreOptions
        {
            ConnectionString = connectionString is null ? null : azurite.ConnectionString,
            ServiceUri = serviceUri,
            ContainerName = containerName,
            Prefix = prefix,
        };

        Assert.Throws<ArgumentException>(() => new BlobObjectStore(container, options));
    }
}
