using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Confluent.Kafka;
using GameBackend.Api.Tests;
using GameBackend.Archive.Tests.Parquet;
using GameBackend.Archive.Tests.S3;
using GameBackend.Core.Events;
using GameBackend.Kafka.Tests;
using GameBackend.Redis.Tests;
using GameBackend.Stores.DynamoDb.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// One cell's day on Hosts.Aws, each function as Lambda drives it, all three over one DynamoDB Local table: players sign
/// in, score (ranks in redis-server) and queue through the api function, whose event bus publishes to Kafka (librdkafka's
/// mock cluster); EventBridge's scheduled event on the tick function's pass-through path forms their matches (published
/// too); what the topic then holds, shaped as the Kafka event source mapping delivers it, goes to the ingest function's
/// pass-through path, which archives it to S3 (s3rver) and rolls it up. The same batch delivered again changes nothing.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class EndToEndTests(DynamoDbLocalFixture dynamo, RedisServerFixture redis, MockKafkaClusterFixture kafka, S3rverFixture s3)
    : IClassFixture<RedisServerFixture>, IClassFixture<MockKafkaClusterFixture>, IClassFixture<S3rverFixture>
{
    private const int Players = 4;

    [Fact]
    public async Task Players_sign_in_rank_and_get_matched_by_the_schedule_and_their_events_reach_the_rollups_through_the_Kafka_event_source()
    {
        await OneUtcDay.WaitUntilAtLeastLeftAsync(TimeSpan.FromMinutes(2));
        var table = await dynamo.CreateTableAsync();
        var topic = "aws-e2e-" + Guid.NewGuid().ToString("N")[..12];
        kafka.Cluster.CreateTopic(topic, partitions: 2);
        var redisPrefix = "aws-e2e-" + Guid.NewGuid().ToString("N")[..8];
        var bucket = await s3.CreateBucketAsync();

        // The settings the template gives every function (ElastiCache, MSK; the publish timeout is the test's, see
        // PatientPublisher); the archive only on the ingest function.
        var settings = new Dictionary<string, string?>
        {
            ["GameBackend:Kafka:BootstrapServers"] = kafka.Cluster.BootstrapServers,
            ["GameBackend:Kafka:Topic"] = topic,
            ["GameBackend:Kafka:PublishTimeoutSeconds"] = "30",
            ["GameBackend:Redis:Configuration"] = $"127.0.0.1:{redis.Port.ToString(CultureInfo.InvariantCulture)}",
            ["GameBackend:Redis:KeyPrefix"] = redisPrefix,
        };
        var ingestSettings = new Dictionary<string, string?>(settings.Concat(S3rverArchive.Settings(s3, bucket)));
        await using var api = new AwsHostFactory(dynamo, "api", table, settings, PatientPublisher);
        await using var tick = new AwsHostFactory(dynamo, "tick", table, settings);
        await using var ingest = new AwsHostFactory(dynamo, "ingest", table, ingestSettings, S3rverArchive.UseFixtureCredentials);

        var title = await api.CreateTitleAsync();
        var client = api.CreateClient();
        await client.SendAsync(HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", serverKey: title.ServerKey).OkAsync();
        using (var board = await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards", """{"id":"score"}""", serverKey: title.ServerKey))
        {
            await board.ReadJsonAsync(HttpStatusCode.Created);
        }

        var players = new List<(Session Session, string TicketId)>();
        for (var i = 0; i < Players; i++)
        {
            var session = await client.SignInDeviceAsync(title);
            await client.SendAsync(HttpMethod.Post, "/v1/leaderboards/score/records", $$"""{"score":{{100 + i}}}""", session.AccessToken).OkAsync();
            using var created = await client.SendAsync(HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", session.AccessToken);
            players.Add((session, (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("ticketId").GetString()!));
        }

        // The top-N read answers in Redis's order: the board's sorted set holds every player, best first.
        var top = await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/score/records", accessToken: players[0].Session.AccessToken).OkAsync();
        var records = top.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(players.Select(p => p.Session.PlayerId).Reverse(), records.Select(r => r.GetProperty("playerId").GetString()));
        Assert.Equal(Enumerable.Range(1, Players).Select(r => (long)r), records.Select(r => r.GetProperty("rank").GetInt64()));
        var boardKey = Assert.Single(redis.Server.Keys(pattern: $"{redisPrefix}:{{{title.Id}:lb:score:*}}:z"));
        var sortedSet = await redis.Connection.GetDatabase().SortedSetRangeByRankAsync(boardKey);
        Assert.Equal(records.Select(r => r.GetProperty("playerId").GetString()), sortedSet.Select(m => (string?)m));

        // The tick function: EventBridge's scheduled event on Lambda Web Adapter's pass-through path.
        var report = await tick.CreateClient().PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), HttpStatusCode.OK);
        Assert.Equal(Players / 2, report.GetProperty("matchesFormed").GetInt32());
        Assert.Equal(0, report.GetProperty("eventFailures").GetInt32());
        foreach (var (session, ticketId) in players)
        {
            var ticket = await client.SendAsync(HttpMethod.Get, $"/v1/matchmaking/queues/duel/tickets/{ticketId}", accessToken: session.AccessToken).OkAsync();
            Assert.Equal("matched", ticket.GetProperty("status").GetString());
        }

        // What the api and tick functions published, as the event source mapping reads it from the topic.
        var published = ReadTopic(topic);
        var events = published.Select(r => EventWire.TryDecode(r.Message.Value) ?? throw new InvalidDataException($"Not an event at {r.TopicPartitionOffset}.")).ToList();
        Assert.All(events, e => Assert.Equal(title.Id, e.TitleId));
        var byName = events.GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Players, byName[BackendEventNames.AccountCreated]);
        Assert.Equal(Players, byName[BackendEventNames.SignedIn]);
        Assert.Equal(Players, byName[BackendEventNames.ScoreSubmitted]);
        Assert.Equal(Players / 2, byName[BackendEventNames.MatchFormed]);
        var date = Assert.Single(events.Select(e => DateOnly.FromDateTime(e.Time.UtcDateTime)).Distinct());

        // The ingest function: the batch as Lambda's Kafka event source delivers it, on the pass-through path.
        var batch = LambdaEvents.Kafka(published.Select(r => new LambdaEvents.Record(
            r.Topic, r.Partition.Value, r.Offset.Value, r.Message.Key, r.Message.Value, r.Message.Timestamp.UnixTimestampMs)));
        var first = await ingest.CreateClient().PostEventAsync(batch, HttpStatusCode.OK);
        Assert.Equal(published.Count, first.GetProperty("records").GetInt32());
        Assert.Equal(published.Count, first.GetProperty("applied").GetInt32());
        Assert.Equal(0, first.GetProperty("malformed").GetInt32());

        // The rollups through the query API.
        var day = await DayAsync(client, title, date);
        Assert.Equal(Players, day.GetProperty("dau").GetInt64());
        Assert.Equal(Players, day.GetProperty("newPlayers").GetInt64());
        Assert.Equal(Players / 2, day.GetProperty("matches").GetInt64());
        Assert.Equal(published.Count, day.GetProperty("events").GetInt64());
        var eventsByName = day.GetProperty("eventsByName");
        foreach (var (name, count) in byName)
        {
            Assert.Equal(count, eventsByName.GetProperty(name).GetInt64());
        }

        // The rollup and one checkpoint per delivered partition, stored in DynamoDB Local.
        var stored = await AnalyticsItemsAsync(table, title.Id);
        var dayItem = JsonDocument.Parse(stored["day/" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)].Body).RootElement;
        Assert.Equal(published.Count, dayItem.GetProperty("events").GetInt64());
        foreach (var partition in published.GroupBy(r => r.Partition.Value))
        {
            var checkpoint = JsonDocument.Parse(stored[$"checkpoint/{topic}/{partition.Key.ToString(CultureInfo.InvariantCulture)}"].Body).RootElement;
            Assert.Equal(partition.Max(r => r.Offset.Value), checkpoint.GetProperty("offset").GetInt64());
        }

        // Every event archived once as Parquet, under the title's prefix.
        var archived = await ArchiveAsync(bucket, title.Id);
        var archivedIds = new List<string>();
        foreach (var (_, content) in archived.Values)
        {
            archivedIds.AddRange((await ArchivedRows.ReadAsync(content)).Rows.Select(r => r.Id));
        }

        Assert.Equal(events.Select(e => e.Id).Order(), archivedIds.Order());

        // Lambda delivers the batch again (an answer lost after storing), to this instance or to a fresh one: nothing changes.
        await using var freshIngest = new AwsHostFactory(dynamo, "ingest", table, ingestSettings, S3rverArchive.UseFixtureCredentials);
        foreach (var instance in new[] { ingest, freshIngest })
        {
            var again = await instance.CreateClient().PostEventAsync(batch, HttpStatusCode.OK);
            Assert.Equal(0, again.GetProperty("applied").GetInt32());
            Assert.Equal(published.Count, again.GetProperty("duplicates").GetInt32());
        }

        Assert.Equal(day.GetRawText(), (await DayAsync(client, title, date)).GetRawText());
        var storedAgain = await AnalyticsItemsAsync(table, title.Id);
        Assert.Equal(stored.ToDictionary(i => i.Key, i => i.Value.Version), storedAgain.ToDictionary(i => i.Key, i => i.Value.Version));
        var archivedAgain = await ArchiveAsync(bucket, title.Id);
        Assert.Equal(archived.ToDictionary(o => o.Key, o => o.Value.Written), archivedAgain.ToDictionary(o => o.Key, o => o.Value.Written));
    }

    /// <summary>
    /// The api function publishes its events best effort: a request waits 2 s at most, then drops them (and its write
    /// stands). On a loaded test machine the first publish (connection, metadata, producer id) could take that long, and
    /// the counts here would miss the dropped events; so here the bus gets 30 s, as does the producer's own timeout
    /// (which alone bounds the tick's publishes; the tick reports a failed one).
    /// </summary>
    private static void PatientPublisher(IServiceCollection services)
    {
        services.RemoveAll<BestEffortEventPublisher>();
        services.AddSingleton(provider => new BestEffortEventPublisher(
            provider.GetRequiredService<IEventBus>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<BestEffortEventPublisher>>(),
            TimeSpan.FromSeconds(30)));
    }

    private static async Task<JsonElement> DayAsync(HttpClient client, TestTitle title, DateOnly date)
    {
        var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = await client.SendAsync(HttpMethod.Get, $"/v1/admin/analytics/days?from={day}&to={day}", serverKey: title.ServerKey).OkAsync();
        return Assert.Single(days.GetProperty("days").EnumerateArray());
    }

    /// <summary>
    /// Every record of the topic up to its high watermarks (the bus awaited each acknowledgement, so all are there),
    /// read from offset 0 of every partition by a consumer that commits nothing.
    /// </summary>
    private List<ConsumeResult<byte[]?, byte[]>> ReadTopic(string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.Cluster.BootstrapServers,
            GroupId = "aws-e2e-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(config).Build();
        var partitions = new[] { 0, 1 }.Select(p => new TopicPartition(topic, p)).ToList();
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[]?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < ends.Values.Sum())
        {
            Assert.True(DateTime.UtcNow < deadline, $"read {records.Count} of {ends.Values.Sum()} records of {topic}");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                records.Add(result);
            }
        }

        consumer.Close();
        return records;
    }

    /// <summary>The title's analytics items, read straight from the table (pk = title id length, title id, partition), with their versions.</summary>
    private async Task<Dictionary<string, (byte[] Body, string Version)>> AnalyticsItemsAsync(string table, string titleId)
    {
        var items = new Dictionary<string, (byte[] Body, string Version)>(StringComparer.Ordinal);
        var request = new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = $"{titleId.Length.ToString(CultureInfo.InvariantCulture)}:{titleId}#analytics" } },
            ConsistentRead = true,
        };
        do
        {
            var page = await dynamo.Client.QueryAsync(request);
            foreach (var item in page.Items ?? [])
            {
                items.Add(item["sk"].S, (item["body"].B.ToArray(), item["version"].S));
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });

        return items;
    }

    /// <summary>The archive's objects of the title: key → ETag and time of writing, and content.</summary>
    private async Task<Dictionary<string, ((string? ETag, DateTime? LastModified) Written, byte[] Content)>> ArchiveAsync(string bucket, string titleId)
    {
        var listed = await s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = $"events/title={titleId}/" });
        Assert.NotEmpty(listed.S3Objects ?? []);
        var objects = new Dictionary<string, ((string? ETag, DateTime? LastModified) Written, byte[] Content)>(StringComparer.Ordinal);
        foreach (var listedObject in listed.S3Objects!)
        {
            Assert.EndsWith(".parquet", listedObject.Key, StringComparison.Ordinal);
            using var response = await s3.Client.GetObjectAsync(bucket, listedObject.Key);
            using var content = new MemoryStream();
            await response.ResponseStream.CopyToAsync(content);
            objects.Add(listedObject.Key, ((listedObject.ETag, listedObject.LastModified), content.ToArray()));
        }

        return objects;
    }
}
