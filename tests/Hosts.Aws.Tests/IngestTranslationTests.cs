using System.Net;
using System.Text;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Analytics;
using GameBackend.Stores.DynamoDb.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The ingest function's own part, translating Lambda's Kafka event into Core's records and the handler's outcome into
/// the invocation's: a handler that records what it was given stands in for Core's, so these tests see exactly what
/// the host hands over and what it answers when the handler throws.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class IngestTranslationTests(DynamoDbLocalFixture dynamo)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Records_reach_the_handler_decoded_with_their_topic_partition_and_offset(bool selfManaged)
    {
        var handler = new RecordingHandler();
        await using var ingest = await IngestHostAsync(handler);
        var records = new[]
        {
            new LambdaEvents.Record("gamebackend-events", 1, 40, Encoding.UTF8.GetBytes("t/p1"), Encoding.UTF8.GetBytes("{\"a\":1}")),
            new LambdaEvents.Record("gamebackend-events", 0, 7, Encoding.UTF8.GetBytes("t/p2"), Encoding.UTF8.GetBytes("{\"b\":2}")),
            new LambdaEvents.Record("gamebackend-events", 1, 41, null, null),
        };

        var report = await ingest.CreateClient().PostEventAsync(LambdaEvents.Kafka(records, selfManaged), HttpStatusCode.OK);

        Assert.Equal(3, report.GetProperty("records").GetInt32());
        var batch = Assert.Single(handler.Batches);
        Assert.Equal(
            ["gamebackend-events/0@7 t/p2 {\"b\":2}", "gamebackend-events/1@40 t/p1 {\"a\":1}", "gamebackend-events/1@41  "],
            batch.Select(r => $"{r.Topic}/{r.Partition}@{r.Offset} {Encoding.UTF8.GetString(r.Key.Span)} {Encoding.UTF8.GetString(r.Value.Span)}"));
    }

    [Fact]
    public async Task A_handler_that_throws_fails_the_invocation_with_a_5xx()
    {
        var handler = new RecordingHandler { Fail = true };
        await using var ingest = await IngestHostAsync(handler);
        var payload = LambdaEvents.Kafka([new LambdaEvents.Record("gamebackend-events", 0, 1, [1], [2])]);
        await ingest.CreateClient().PostEventAsync(payload, 500, ApiErrorCodes.InternalError);
    }

    [Fact]
    public async Task Other_events_and_undecodable_records_are_refused_without_reaching_the_handler()
    {
        var handler = new RecordingHandler();
        await using var ingest = await IngestHostAsync(handler);
        var client = ingest.CreateClient();

        await client.PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), 400, HostErrorCodes.UnsupportedEvent);
        await client.PostEventAsync("""{"Records":[{"eventSource":"aws:sqs","body":"x"}]}""", 400, HostErrorCodes.UnsupportedEvent);
        await client.PostEventAsync(
            """{"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0,"offset":1,"timestamp":0,"timestampType":"CREATE_TIME","value":"not base64!"}]}}""",
            400, HostErrorCodes.UnsupportedEvent);
        await client.PostEventAsync("""{"eventSource":"aws:kafka","records":{"t-0":[{"partition":0,"offset":1,"value":"AQ=="}]}}""", 400, HostErrorCodes.UnsupportedEvent);

        Assert.Empty(handler.Batches);
    }

    [Fact]
    public async Task A_batch_larger_than_the_api_body_limit_is_taken()
    {
        var handler = new RecordingHandler();
        await using var ingest = await IngestHostAsync(handler);
        var value = new byte[1024 * 1024];
        var records = Enumerable.Range(0, 3).Select(i => new LambdaEvents.Record("gamebackend-events", 0, i, null, value));
        var report = await ingest.CreateClient().PostEventAsync(LambdaEvents.Kafka(records), HttpStatusCode.OK);
        Assert.Equal(3, report.GetProperty("records").GetInt32());
    }

    private async Task<AwsHostFactory> IngestHostAsync(RecordingHandler handler) =>
        new(dynamo, "ingest", await dynamo.CreateTableAsync(), configureServices: services =>
        {
            services.RemoveAll<IEventRecordHandler>();
            services.AddSingleton<IEventRecordHandler>(handler);
        });

    private sealed class RecordingHandler : IEventRecordHandler
    {
        public List<List<EventRecord>> Batches { get; } = [];

        public bool Fail { get; init; }

        public Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new InvalidOperationException("The rollups could not be stored.");
            }

            Batches.Add([.. records]);
            return Task.FromResult(new IngestBatchReport(records.Count, 0, 0, records.Count));
        }
    }
}
