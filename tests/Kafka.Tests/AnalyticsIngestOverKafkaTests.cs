using GameBackend.Core.Analytics;
using Xunit.Abstractions;

namespace GameBackend.Kafka.Tests;

/// <summary>
/// The real analytics ingest (Core's <see cref="AnalyticsIngest"/> over a SQLite store) behind the Kafka consumer group:
/// what the rollups count when batches come again.
/// </summary>
public sealed class AnalyticsIngestOverKafkaTests(MockKafkaClusterFixture fixture, ITestOutputHelper output)
    : IClassFixture<MockKafkaClusterFixture>, IAsyncLifetime
{
    private readonly MockKafkaCluster _cluster = fixture.Cluster;
    private readonly RealIngest _real = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _real.DisposeAsync();

    [Fact]
    public async Task A_batch_stored_but_not_committed_is_delivered_again_and_counted_once()
    {
        var topic = TestKafka.NewTopic(_cluster, partitions: 3);
        var options = TestKafka.Options(_cluster, topic, configure: o => o.MaxBatchRecords = 150);
        var events = TestKafka.Events("title-real", 1_200, players: 30);
        await TestKafka.PublishAsync(options, events, output);

        // The first three batches are stored by the real handler, then the consumer hears a failure: no commit, so
        // the same records come again, and the ingest must find them already counted.
        var handler = new RecordingHandler { Inner = _real.Handler };
        handler.FailAfterStoring(3);
        using var stop = new CancellationTokenSource();
        var run = TestKafka.Consumer(options, handler, output).RunAsync(stop.Token);
        await TestKafka.WaitCommittedAsync(options, events.Count);
        await stop.CancelAsync();
        await run;

        Assert.Equal(3, handler.Failures);
        var delivered = handler.Batches.Sum(b => b.Count);
        Assert.True(delivered > events.Count, $"{delivered} records delivered for {events.Count} events: nothing was delivered again");
        var day = await _real.DayAsync("title-real");
        Assert.Equal(events.Count, day.Events);
        Assert.Equal(events.Count, day.EventsByName["level_up"]);
        Assert.Equal(30, day.Dau);
    }

    [Fact]
    public async Task A_consumer_restarted_after_storing_and_before_committing_counts_nothing_twice()
    {
        var topic = TestKafka.NewTopic(_cluster, partitions: 2);
        var options = TestKafka.Options(_cluster, topic, configure: o => o.MaxBatchRecords = 100);
        var events = TestKafka.Events("title-restart", 800, players: 16);
        await TestKafka.PublishAsync(options, events, output);

        // The first consumer stores two batches, then "crashes" before committing the second: it stops while the
        // handler reports failure, so that batch's offsets stay uncommitted.
        var first = new RecordingHandler { Inner = _real.Handler };
        using var stopFirst = new CancellationTokenSource();
        first.BeforeHandle = _ =>
        {
            if (first.Calls == 2)
            {
                first.FailAfterStoring(1);
                stopFirst.Cancel();
            }

            return Task.CompletedTask;
        };
        var firstRun = TestKafka.Consumer(options, first, output).RunAsync(stopFirst.Token);
        await TestKafka.WaitUntil(() => stopFirst.IsCancellationRequested, TimeSpan.FromSeconds(60), () => $"{first.Calls} calls");
        await firstRun;
        var committedByFirst = KafkaIngestTests.Committed(options).Values.Sum();
        var storedByFirst = first.Batches.Sum(b => b.Count);
        Assert.True(committedByFirst < storedByFirst, "the second batch must be stored but not committed");
        var stored = await _real.DayAsync("title-restart");
        Assert.Equal(storedByFirst, stored.Events);

        var second = new RecordingHandler { Inner = _real.Handler };
        using var stopSecond = new CancellationTokenSource();
        var secondRun = TestKafka.Consumer(options, second, output).RunAsync(stopSecond.Token);
        await TestKafka.WaitCommittedAsync(options, events.Count);
        await stopSecond.CancelAsync();
        await secondRun;

        var day = await _real.DayAsync("title-restart");
        Assert.Equal(events.Count, day.Events);
        Assert.Equal(16, day.Dau);
    }
}
