using System.Text;
using Confluent.Kafka;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using Xunit.Abstractions;

namespace GameBackend.Kafka.Tests;

/// <summary>Publish through <see cref="KafkaEventBus"/>, consume through <see cref="KafkaIngestConsumer"/>, on the mock cluster.</summary>
public sealed class KafkaIngestTests(MockKafkaClusterFixture fixture, ITestOutputHelper output) : IClassFixture<MockKafkaClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly MockKafkaCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Every_published_event_reaches_the_handler_and_each_players_events_keep_their_order()
    {
        var topic = TestKafka.NewTopic(_cluster);
        var options = TestKafka.Options(_cluster, topic);
        var events = TestKafka.Events("title-a", 3_000, players: 40);
        await TestKafka.PublishAsync(options, events, output);

        var handler = new RecordingHandler();
        using var stop = new CancellationTokenSource();
        var consumer = TestKafka.Consumer(options, handler, output);
        var run = consumer.RunAsync(stop.Token);
        await TestKafka.WaitUntil(() => handler.Applied.Count >= events.Count, Patience, () => $"{handler.Applied.Count} of {events.Count} applied");
        await stop.CancelAsync();
        await run;

        Assert.Equal(events.Select(e => e.Id).Order(), handler.Applied.Keys.Order());
        var delivered = handler.DeliveredSnapshot();
        Assert.Equal(events.Count, delivered.Count);

        // Records carry EventWire's key, so a player's events share a partition and arrive in publish order.
        var byPlayer = delivered.Select(r => (Record: r, Event: EventWire.TryDecode(r.Value.Span)!)).GroupBy(x => x.Event.PlayerId);
        foreach (var player in byPlayer)
        {
            Assert.Single(player.Select(x => x.Record.Partition).Distinct());
            Assert.All(player, x => Assert.Equal("title-a/" + player.Key, Encoding.UTF8.GetString(x.Record.Key.Span)));
            var sequence = player.Select(x => x.Event.Properties!.Value.GetProperty("seq").GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        }

        Assert.Equal(6, delivered.Select(r => r.Partition).Distinct().Count());
        Assert.Equal(events.Count, Committed(options).Values.Sum());
    }

    [Fact]
    public async Task A_restarted_consumer_resumes_after_the_last_committed_batch_without_loss_or_reprocessing()
    {
        var topic = TestKafka.NewTopic(_cluster, partitions: 3);
        var options = TestKafka.Options(_cluster, topic, configure: o => o.MaxBatchRecords = 100);
        var events = TestKafka.Events("title-b", 2_000, players: 25);
        using var bus = TestKafka.Bus(options, output);
        await bus.PublishAsync(events[..1_500]);

        // The first consumer stops after a few batches: mid-stream, with most of the topic unread.
        var first = new RecordingHandler();
        using var stopFirst = new CancellationTokenSource();
        first.BeforeHandle = _ =>
        {
            if (first.Calls >= 4)
            {
                stopFirst.Cancel();
            }

            return Task.CompletedTask;
        };
        var firstRun = TestKafka.Consumer(options, first, output).RunAsync(stopFirst.Token);
        await TestKafka.WaitUntil(() => stopFirst.IsCancellationRequested, Patience, () => $"{first.Calls} batches");
        await firstRun;
        var firstSeen = first.DeliveredSnapshot();
        Assert.InRange(firstSeen.Count, 1, 1_499);
        Assert.Equal(firstSeen.Count, Committed(options).Values.Sum());

        await bus.PublishAsync(events[1_500..]);

        var second = new RecordingHandler();
        using var stopSecond = new CancellationTokenSource();
        var secondRun = TestKafka.Consumer(options, second, output).RunAsync(stopSecond.Token);
        var rest = events.Count - firstSeen.Count;
        await TestKafka.WaitUntil(() => second.Applied.Count >= rest, Patience, () => $"{second.Applied.Count} of {rest}");
        await Task.Delay(300);
        await stopSecond.CancelAsync();
        await secondRun;

        var secondSeen = second.DeliveredSnapshot();
        var firstPositions = firstSeen.Select(r => (r.Partition, r.Offset)).ToHashSet();
        Assert.DoesNotContain(secondSeen, r => firstPositions.Contains((r.Partition, r.Offset)));
        Assert.Equal(rest, secondSeen.Count);
        Assert.Equal(
            events.Select(e => e.Id).Order(),
            first.Applied.Keys.Concat(second.Applied.Keys).Order());
        Assert.Equal(events.Count, Committed(options).Values.Sum());
    }

    [Fact]
    public async Task A_failing_handler_commits_nothing_and_gets_the_same_records_again()
    {
        var topic = TestKafka.NewTopic(_cluster, partitions: 2);
        var options = TestKafka.Options(_cluster, topic, configure: o => o.MaxBatchRecords = 50);
        var events = TestKafka.Events("title-c", 300, players: 10);
        await TestKafka.PublishAsync(options, events, output);

        var handler = new RecordingHandler();
        handler.FailNext(3);
        var committedWhileFailing = new List<long>();
        handler.BeforeHandle = _ =>
        {
            if (handler.Failures < 3)
            {
                committedWhileFailing.Add(Committed(options).Values.Sum());
            }

            return Task.CompletedTask;
        };
        using var stop = new CancellationTokenSource();
        var run = TestKafka.Consumer(options, handler, output).RunAsync(stop.Token);
        await TestKafka.WaitUntil(() => handler.Applied.Count >= events.Count, Patience, () => $"{handler.Applied.Count} of {events.Count}");
        await stop.CancelAsync();
        await run;

        Assert.Equal(3, handler.Failures);
        Assert.All(committedWhileFailing, c => Assert.Equal(0, c));

        // Nothing was committed before the first success, so the failed attempts and that success all start at the
        // partitions' first records: the consumer sought back instead of moving on.
        Assert.All(handler.Batches.Take(4), b => Assert.All(b.GroupBy(r => r.Partition), g => Assert.Equal(0, g.Min(r => r.Offset))));
        Assert.Equal(events.Count, handler.DeliveredSnapshot().Count);
        Assert.Equal(events.Count, Committed(options).Values.Sum());
    }

    [Fact]
    public async Task A_rebalance_while_a_batch_is_in_the_handler_loses_nothing_and_the_rollups_count_every_event_once()
    {
        var topic = TestKafka.NewTopic(_cluster, partitions: 4);
        var options = TestKafka.Options(_cluster, topic, configure: o => o.MaxBatchRecords = 50);
        var events = TestKafka.Events("title-r", 3_000, players: 40);
        await TestKafka.PublishAsync(options, events, output);

        // Two members of the group, as two processes over one store. The first is slow: it has a batch in its handler
        // (and the next one read) most of the time, so the revocation that the second member's arrival causes finds one
        // there. Commits can fail while the group rebalances; the next owner then gets those records again.
        await using var real = new RealIngest();
        var first = new RecordingHandler { Inner = real.Handler, BeforeHandle = _ => Task.Delay(100) };
        var second = new RecordingHandler { Inner = real.AnotherHandler() };
        using var stop = new CancellationTokenSource();
        var firstRun = TestKafka.Consumer(options, first, output).RunAsync(stop.Token);
        await TestKafka.WaitUntil(() => first.Calls >= 3, Patience, () => $"{first.Calls} batches");
        var secondRun = TestKafka.Consumer(options, second, output).RunAsync(stop.Token);
        await TestKafka.WaitUntil(() => first.Applied.Keys.Union(second.Applied.Keys).Count() >= events.Count, Patience,
            () => $"{first.Applied.Count} + {second.Applied.Count} of {events.Count}");
        await stop.CancelAsync();
        await Task.WhenAll(firstRun, secondRun);

        // The second member took partitions over; no record was skipped; the rollups count each event once however
        // often it was delivered.
        Assert.NotEmpty(second.DeliveredSnapshot());
        var positions = first.DeliveredSnapshot().Concat(second.DeliveredSnapshot()).Select(r => (r.Partition, r.Offset));
        Assert.Equal(events.Count, positions.Distinct().Count());
        Assert.Equal(events.Count, (await real.DayAsync("title-r")).Events);
    }

    [Fact]
    public async Task Publishing_to_an_unreachable_cluster_throws_EventBusUnavailableException_within_the_timeout()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1", Topic = "nowhere", PublishTimeoutSeconds = 1 };
        using var bus = TestKafka.Bus(options, output);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<EventBusUnavailableException>(async () => await bus.PublishAsync(TestKafka.Events("t", 3, 1)));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    /// <summary>The group's committed offsets per partition, read as another member would find them.</summary>
    internal static Dictionary<int, long> Committed(KafkaOptions options)
    {
        using var reader = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId,
            EnableAutoCommit = false,
        }).Build();
        using var admin = new DependentAdminClientBuilder(reader.Handle).Build();
        var partitions = admin.GetMetadata(options.Topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(options.Topic, p.PartitionId)).ToList();
        return reader.Committed(partitions, TimeSpan.FromSeconds(10))
            .ToDictionary(o => o.Partition.Value, o => o.Offset == Offset.Unset ? 0 : o.Offset.Value);
    }
}
