using System.Collections.Concurrent;
using GameBackend.Core.Events;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Client.Tests.Http;

/// <summary>SendEventsAsync against the real backend: per-event refusals, splitting, and retries that resend the same ids.</summary>
public sealed class AnalyticsTests
{
    private static BackendFactory NewBackend(IEventBus bus) =>
        new(new Dictionary<string, string?>(), configureServices: s => s.AddSingleton<IEventBus>(bus));

    /// <summary>A game client of a new title, for <see cref="SignInAsync"/>.</summary>
    private static async Task<GameBackendClient> NewClientAsync(BackendFactory backend, Action<GameBackendClientOptions>? configure = null) =>
        backend.NewClient(await backend.CreateTitleAsync(), configure: configure);

    private static async Task<string> SignInAsync(GameBackendClient client) =>
        (await client.Auth.SignInWithDeviceAsync("device-" + Guid.NewGuid().ToString("N"))).PlayerId;

    [Fact]
    public async Task Events_reach_the_bus_and_refused_ones_come_back_with_their_index()
    {
        var bus = new FlakyEventBus ();
        await using var backend = NewBackend(bus);
        using var client = await NewClientAsync(backend);
        var player = await SignInAsync(client);
        var now = backend.Time.GetUtcNow();

        var result = await client.Analytics.SendEventsAsync(
        [
            new TelemetryEvent("level_up", new Dictionary<string, object?> { ["level"] = 3, ["class"] = "mage", ["hardcore"] = true, ["ratio"] = 0.5, ["guild"] = null }, "s-1", now),
            new TelemetryEvent("signed_in", time: now),
            new TelemetryEvent("shop_open", time: now.AddDays(-8)),
            new TelemetryEvent("shop_open", time: now, id: "shop-1"),
        ]);

        Assert.Equal(2, result.Accepted);
        Assert.Equal([(1, "reserved_event_name", "name"), (2, "event_time_out_of_range", "time")], result.Rejected.Select(r => (r.Index, r.Code, r.Field)));
        var published = bus.Telemetry(player);
        Assert.Equal(["level_up", "shop_open"], published.Select(e => e.Name));
        Assert.Equal(player + ".shop-1", published[1].Id);
        var properties = published[0].Properties!.Value;
        Assert.Equal((3, "mage", true, 0.5), (properties.GetProperty("level").GetInt32(), properties.GetProperty("class").GetString(), properties.GetProperty("hardcore").GetBoolean(), properties.GetProperty("ratio").GetDouble()));

        var none = await client.Analytics.SendEventsAsync([new TelemetryEvent("Bad Name", time: now)]);
        Assert.Equal(0, none.Accepted);
        Assert.Equal("invalid_event_name", Assert.Single(none.Rejected).Code);
        await Assert.ThrowsAsync<ArgumentException>(() => client.Analytics.SendEventsAsync([new TelemetryEvent("x", new Dictionary<string, object?> { ["nested"] = new[] { 1 } })]));
    }

    [Fact]
    public async Task Long_lists_go_in_requests_of_at_most_500_and_indexes_stay_the_callers()
    {
        var bus = new FlakyEventBus ();
        await using var backend = NewBackend(bus);
        using var client = await NewClientAsync(backend);
        var player = await SignInAsync(client);
        var now = backend.Time.GetUtcNow();
        var events = Enumerable.Range(0, 1_201).Select(i => new TelemetryEvent(i == 1_100 ? "session_ended" : "tick", time: now)).ToList();

        var result = await client.Analytics.SendEventsAsync(events);

        Assert.Equal(1_200, result.Accepted);
        Assert.Equal(1_100, Assert.Single(result.Rejected).Index);
        Assert.Equal(3, bus.Batches(player));
        Assert.Equal(1_200, bus.Telemetry(player).Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_refusing_bus_is_retried_with_the_same_ids_until_it_accepts()
    {
        var bus = new FlakyEventBus { RefuseNext = 2 };
        await using var backend = NewBackend(bus);
        using var client = await NewClientAsync(backend, o => o.TelemetryMaxRetryDelay = TimeSpan.FromMilliseconds(20));
        var player = await SignInAsync(client);
        var events = new[] { new TelemetryEvent("match_start", time: backend.Time.GetUtcNow()), new TelemetryEvent("match_end", time: backend.Time.GetUtcNow()) };

        var result = await client.Analytics.SendEventsAsync(events);

        Assert.Equal((2, 0), (result.Accepted, result.Rejected.Count));
        Assert.Equal(3, bus.Attempts(player));
        Assert.Equal(events.Select(e => player + "." + e.Id), bus.Telemetry(player).Select(e => e.Id));
    }

    [Fact]
    public async Task A_bus_that_stays_down_throws_after_the_attempts_and_a_later_call_delivers_the_same_ids()
    {
        var bus = new FlakyEventBus { RefuseNext = int.MaxValue };
        await using var backend = NewBackend(bus);
        using var client = await NewClientAsync(backend, o => { o.TelemetryMaxAttempts = 3; o.TelemetryMaxRetryDelay = TimeSpan.FromMilliseconds(10); });
        var player = await SignInAsync(client);
        var events = new[] { new TelemetryEvent("quest_done", time: backend.Time.GetUtcNow()) };

        var failure = await Assert.ThrowsAsync<GameBackendException>(() => client.Analytics.SendEventsAsync(events));

        Assert.Equal((503, ErrorCodes.EventBusUnavailable), (failure.Status, failure.Code));
        Assert.Equal(TimeSpan.FromSeconds(5), failure.RetryAfter);
        Assert.Equal(3, bus.Attempts(player));
        Assert.Empty(bus.Telemetry(player));

        bus.RefuseNext = 0;
        Assert.Equal(1, (await client.Analytics.SendEventsAsync(events)).Accepted);
        Assert.Equal(player + "." + events[0].Id, Assert.Single(bus.Telemetry(player)).Id);
    }

    /// <summary>Records telemetry, refusing the next <see cref="RefuseNext"/> publishes of it (sign-in events always pass).</summary>
    private sealed class FlakyEventBus : IEventBus
    {
        private readonly ConcurrentQueue<(string? Player, BackendEvent[] Events, bool Refused)> _calls = new();
        private int _refuseNext;

        public int RefuseNext
        {
            get => Volatile.Read(ref _refuseNext);
            set => Volatile.Write(ref _refuseNext, value);
        }

        public ValueTask PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
        {
            var telemetry = events.Any(e => e.Id.Contains('.', StringComparison.Ordinal));
            var refuse = telemetry && Interlocked.Decrement(ref _refuseNext) >= 0;
            _calls.Enqueue((events[0].PlayerId, events.ToArray(), refuse));
            if (refuse)
            {
                throw new EventBusUnavailableException("test: bus down");
            }

            return ValueTask.CompletedTask;
        }

        public int Attempts(string player) => _calls.Count(c => c.Player == player && c.Events.Any(e => e.Id.Contains('.', StringComparison.Ordinal)));

        public int Batches(string player) => _calls.Count(c => c.Player == player && !c.Refused && c.Events.Any(e => e.Id.Contains('.', StringComparison.Ordinal)));

        public List<BackendEvent> Telemetry(string player) =>
            _calls.Where(c => c.Player == player && !c.Refused).SelectMany(c => c.Events).Where(e => e.Id.Contains('.', StringComparison.Ordinal)).ToList();
    }
}
