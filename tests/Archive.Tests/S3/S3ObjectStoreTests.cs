using Amazon.S3;
using GameBackend.Archive.Parquet;
using GameBackend.Archive.S3;
using GameBackend.Core.Analytics;

namespace GameBackend.Archive.Tests.S3;

/// <summary>The contract against s3rver, paging listings two keys at a time so every listing crosses pages.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3ObjectStoreTests(S3rverFixture s3) : ObjectStoreContract, IAsyncLifetime
{
    private S3ObjectStore store = null!;
    private string bucket = null!;

    protected override IObjectStore Store => store;

    public async Task InitializeAsync()
    {
        bucket = await s3.CreateBucketAsync();
        store = new S3ObjectStore(s3.Client, s3.Options(bucket, listPageSize: 2));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_object_holds_exactly_the_bytes_put_with_their_content_type()
    {
        var content = new byte[10_000];
        new Random(3).NextBytes(content);

        await store.PutAsync("events/x.parquet", content, ParquetEventArchive.ContentType);

        // Read through the SDK, not the store: a chunk-encoded upload would leave "2710;chunk-signature=…" framing here.
        using var response = await s3.Client.GetObjectAsync(bucket, "events/x.parquet");
        using var body = new MemoryStream();
        await response.ResponseStream.CopyToAsync(body);
        Assert.Equal(content, body.ToArray());
        Assert.Equal(ParquetEventArchive.ContentType, response.Headers.ContentType);
    }

    [Fact]
    public async Task A_prefix_keeps_every_object_under_it_and_out_of_the_keys()
    {
        var prefixed = new S3ObjectStore(s3.Client, s3.Options(bucket, prefix: "deployments/eu/"));

        await prefixed.PutAsync("events/a", "a"u8.ToArray(), "text/plain");
        await store.PutAsync("events/b", "b"u8.ToArray(), "text/plain");

        Assert.Equal(["deployments/eu/events/a", "events/b"], await AllKeysAsync());
        Assert.Equal(["events/a"], await ToListAsync(prefixed.ListAsync("")));
        Assert.Equal("a"u8.ToArray(), await prefixed.GetAsync("events/a"));
        Assert.Null(await prefixed.GetAsync("events/b"));
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_not_a_missing_object()
    {
        var missing = new S3ObjectStore(s3.Client, s3.Options("no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]));

        await Assert.ThrowsAsync<AmazonS3Exception>(() => missing.GetAsync("a"));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => missing.PutAsync("a", "a"u8.ToArray(), "text/plain"));
    }

    [Fact]
    public async Task A_key_too_long_behind_the_prefix_is_refused()
    {
        var prefixed = new S3ObjectStore(s3.Client, s3.Options(bucket, prefix: "deployments/"));
        var key = string.Join('/', Enumerable.Repeat(new string('k', 200), 5)) + "/kkkkkkkkkkkkkkkkkkk";

        await prefixed.PutAsync(key[12..], "x"u8.ToArray(), "text/plain");
        await Assert.ThrowsAsync<ArgumentException>(() => prefixed.PutAsync(key, "x"u8.ToArray(), "text/plain"));
    }

    [Theory]
    [InlineData("", "prefix")]
    [InlineData("ab", "")]
    [InlineData("bucket", "no-slash")]
    [InlineData("bucket", "/")]
    [InlineData("bucket", "../")]
    public void Unusable_options_are_refused(string bucketName, string prefix) =>
        Assert.Throws<ArgumentException>(() => new S3ObjectStore(s3.Client, s3.Options(bucketName, prefix)));

    private async Task<List<string>> AllKeysAsync()
    {
        var page = await s3.Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        return (page.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    private static async Task<List<string>> ToListAsync(IAsyncEnumerable<string> keys)
    {
        var list = new List<string>();
        await foreach (var key in keys)
        {
            list.Add(key);
        }

        return list;
    }
}
