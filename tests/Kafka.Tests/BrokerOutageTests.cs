using GameBackend.Core.Events;
using Xunit.Abstractions;

namespace GameBackend.Kafka.Tests;

/// <summary>
/// Every broker of the cluster drops its connections and refuses new ones for a few seconds while a publisher and the
/// consumer group keep working. Its own cluster, because the outage hits every client of it.
/// </summary>
public sealed class BrokerOutageTests(MockKafkaClusterFixture fixture, ITestOutputHelper output) : IClassFixture<MockKafkaClusterFixture>, IAsyncLifetime
{
    private readonly MockKafkaCluster _cluster = fixture.Cluster;
    private readonly RealIngest _real = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _real.DisposeAsync();

    [Fact]
    public async Task A_broker_outage_loses_no_acknowledged_event_and_counts_every_event_once()
    {
        var topic = TestKafka.NewTopic(_cluster, partitions: 4);
        var options = TestKafka.Options(_cluster, topic, configure: o =>
        {
            o.PublishTimeoutSeconds = 1.5;
            o.MaxBatchRecords = 100;
            o.Settings["reconnect.backoff.max.ms"] = "500";
        });

        var handler = new RecordingHandler { Inner = _real.Handler };
        using var stopConsumer = new CancellationTokenSource();
        var consuming = TestKafka.Consumer(options, handler, output).RunAsync(stopConsumer.Token);

        var acknowledged = new List<BackendEvent>();
        var refused = new List<BackendEvent>();
        var acknowledgedAfterOutage = 0;
        var outageOver = false;
        using var bus = TestKafka.Bus(options, output);
        using var stopPublishing = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            var seq = 0;
            while (!stopPublishing.IsCancellationRequested)
            {
                var events = TestKafka.Events("title-outage", 20, players: 7, firstSeq: seq);
                seq += events.Count;
                try
                {
                    await bus.PublishAsync(events);
                    acknowledged.AddRange(events);
                    if (Volatile.Read(ref outageOver))
                    {
                        acknowledgedAfterOutage += events.Count;
                    }
                }
                catch (EventBusUnavailableException)
                {
                    refused.AddRange(events);
                }

                await Task.Delay(20);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2));
        var acknowledgedBeforeOutage = acknowledged.Count;
        _cluster.SetDown();
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} brokers down");
        await Task.Delay(TimeSpan.FromSeconds(4));
        _cluster.SetUp();
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} brokers up");
        Volatile.Write(ref outageOver, true);
        await TestKafka.WaitUntil(() => Volatile.Read(ref acknowledgedAfterOutage) >= 200, TimeSpan.FromSeconds(60), () => "no publish succeeded after the outage");
        await stopPublishing.CancelAsync();
        await publishing;

        // The outage was felt: publishes were refused while every broker was down.
        Assert.True(acknowledgedBeforeOutage > 0);
        Assert.NotEmpty(refused);

        await TestKafka.WaitUntil(
            () => acknowledged.All(e => handler.Applied.ContainsKey(e.Id)),
            TimeSpan.FromSeconds(90),
            () => $"{acknowledged.Count(e => !handler.Applied.ContainsKey(e.Id))} of {acknowledged.Count} acknowledged events not consumed");
        await Task.Delay(500);
        await stopConsumer.CancelAsync();
        await consuming;

        // Every applied event was published (acknowledged, or refused but written anyway: at least once), and the
        // idempotent producer wrote no record twice, so the log holds each event once.
        var published = acknowledged.Concat(refused).Select(e => e.Id).ToHashSet();
        Assert.All(handler.Applied.Keys, id => Assert.Contains(id, published));
        var delivered = handler.DeliveredSnapshot();
        var distinctRecords = delivered.Select(r => (r.Partition, r.Offset)).Distinct().Count();
        Assert.Equal(handler.Applied.Count, distinctRecords);
        // The real ingest counted each written event once, whatever the consumer saw again.
        var day = await _real.DayAsync("title-outage");
        Assert.Equal(handler.Applied.Count, day.Events);

        output.WriteLine($"acknowledged {acknowledged.Count}, refused {refused.Count} (of which {handler.Applied.Count - acknowledged.Count} written anyway), " +
                         $"records delivered {delivered.Count} ({delivered.Count - distinctRecords} redelivered), handler failures {handler.Failures}");
    }
}
