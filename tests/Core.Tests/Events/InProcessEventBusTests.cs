using System.Collections.Concurrent;
using GameBackend.Core.Events;

namespace GameBackend.Core.Tests.Events;

public sealed class InProcessEventBusTests
{
    private static BackendEvent Event(int i) => new("title", $"event-{i}", "test", DateTimeOffset.UnixEpoch, $"player-{i % 3}", null, null);

    private sealed class Collector : IEventConsumer
    {
        public ConcurrentQueue<BackendEvent> Received { get; } = new();

        public bool Throw { get; set; }

        public ValueTask ConsumeAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken)
        {
            if (Throw)
            {
                throw new InvalidOperationException("consumer failed");
            }

            foreach (var e in events)
            {
                Received.Enqueue(e);
            }

            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Every_consumer_receives_every_event_in_order()
    {
        var (first, second) = (new Collector(), new Collector());
        var bus = new InProcessEventBus([first, second]);
        using var stop = new CancellationTokenSource();
        var pump = bus.RunAsync(stop.Token);

        await bus.PublishAsync(Enumerable.Range(0, 1000).Select(Event).ToList());
        while (bus.Delivered < 1000)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await pump;
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"event-{i}"), first.Received.Select(e => e.Id));
        Assert.Equal(first.Received.Select(e => e.Id), second.Received.Select(e => e.Id));
    }

    [Fact]
    public async Task A_full_bus_refuses_instead_of_growing()
    {
        var bus = new InProcessEventBus([], capacity: 4, publishTimeout: TimeSpan.FromMilliseconds(50));

        await bus.PublishAsync(Enumerable.Range(0, 4).Select(Event).ToList());

        await Assert.ThrowsAsync<EventBusUnavailableException>(async () => await bus.PublishAsync([Event(5)]));
    }

    [Fact]
    public async Task A_failing_consumer_does_not_stop_delivery_to_the_others()
    {
        var (failing, working) = (new Collector { Throw = true }, new Collector());
        var bus = new InProcessEventBus([failing, working]);
        using var stop = new CancellationTokenSource();
        var pump = bus.RunAsync(stop.Token);

        await bus.PublishAsync([Event(1)]);
        await bus.PublishAsync([Event(2)]);
        while (bus.Delivered < 2)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await pump;
        Assert.Equal(["event-1", "event-2"], working.Received.Select(e => e.Id));
        Assert.True(bus.ConsumerFailures >= 1);
    }
}
