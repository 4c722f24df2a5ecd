using System.Globalization;
using System.Net;
using Amazon.S3.Model;
using GameBackend.Archive.Tests.S3;
using GameBackend.Core.Events;
using GameBackend.Stores.DynamoDb.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The ingest function with the template's archive setting (<c>GameBackend__Archive__S3__BucketName</c>) archives each
/// batch as Parquet in S3 (s3rver here, see <see cref="S3rverArchive"/>).
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class IngestArchiveTests(DynamoDbLocalFixture dynamo, S3rverFixture s3) : IClassFixture<S3rverFixture>
{
    [Fact]
    public async Task A_batch_is_archived_as_parquet_in_the_titles_date_and_hour_partition()
    {
        var table = await dynamo.CreateTableAsync();
        var bucket = await s3.CreateBucketAsync();
        await using var ingest = new AwsHostFactory(dynamo, "ingest", table, S3rverArchive.Settings(s3, bucket), S3rverArchive.UseFixtureCredentials);
        var title = await ingest.CreateTitleAsync();
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 3)
            .Select(i => new BackendEvent(title.Id, Guid.CreateVersion7().ToString("N"), "level_up", now, $"player-{i}", PlayerSince: now.AddDays(-1)))
            .ToList();
        var batch = LambdaEvents.Kafka(events.Select((e, i) => new LambdaEvents.Record("gamebackend-events", 0, 700 + i, EventWire.Key(e), EventWire.Encode(e))));

        var answer = await ingest.CreateClient().PostEventAsync(batch, HttpStatusCode.OK);
        Assert.Equal(3, answer.GetProperty("applied").GetInt32());

        var prefix = string.Create(CultureInfo.InvariantCulture, $"events/title={title.Id}/date={now.UtcDateTime:yyyy-MM-dd}/hour={now.UtcDateTime:HH}/");
        var listed = await s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        var key = Assert.Single(listed.S3Objects).Key;
        Assert.EndsWith(".parquet", key, StringComparison.Ordinal);
        using var body = await s3.Client.GetObjectAsync(bucket, key);
        using var bytes = new MemoryStream();
        await body.ResponseStream.CopyToAsync(bytes);
        var content = bytes.ToArray();
        Assert.Equal("PAR1"u8.ToArray(), content[..4]);
        Assert.Equal("PAR1"u8.ToArray(), content[^4..]);
    }
}
