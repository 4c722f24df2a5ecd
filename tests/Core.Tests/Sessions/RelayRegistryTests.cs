using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Matchmaking;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Sessions;

/// <summary>The registry over the real SQLite store and a fake clock, with a bus that records (or refuses) events.</summary>
public sealed class RelayRegistryTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private readonly RecordingEventBus _bus = new();
    private RelayRegistry _registry = null!;
    private Title _title = null!;

    public static RelayHeartbeat Heartbeat(
        string relayId = "relay-1", string region = "eu", int capacity = 100, int load = 0, bool draining = false, string endpoint = "203.0.113.10:7777", params RelaySessionEvent[] events) =>
        new(relayId, region, endpoint, capacity, load, Sessions: load, Members: load * 2, "1.0.0", draining, events);

    public async Task InitializeAsync()
    {
        _registry = new RelayRegistry(_backend.Store, _bus.Publisher(), _backend.Time);
        _title = await _backend.CreateTitleAsync();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private DateTimeOffset Now => _backend.Time.GetUtcNow();

    [Fact]
    public async Task A_relay_is_listed_until_three_heartbeat_intervals_pass_without_one()
    {
        var stored = await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 7), Now);
        Assert.True(stored.IsSuccess, stored.Error?.Message);
        Assert.Equal(Now + RelayRegistry.Lifetime, stored.Value.ExpiresAt);
        Assert.Equal(TimeSpan.FromSeconds(15), RelayRegistry.Lifetime);

        var relay = Assert.Single(await _registry.ListAsync(_title.Id));
        Assert.Equal(("relay-1", "eu", "203.0.113.10:7777", 100, 7, "1.0.0", false, Now), (relay.RelayId, relay.Region, relay.Endpoint, relay.Capacity, relay.Load, relay.Version, relay.Draining, relay.LastHeartbeatAt));
        Assert.True(relay.IsHealthyAt(Now));

        _backend.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Single(await _registry.ListAsync(_title.Id));

        _backend.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await _registry.ListAsync(_title.Id));
        Assert.Null(await _backend.Store.GetAsync(RelayRegistry.Key(_title.Id, "relay-1")));

        // A relay that comes back simply registers again.
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 3), Now)).IsSuccess);
        Assert.Equal(3, Assert.Single(await _registry.ListAsync(_title.Id)).Load);
    }

    [Fact]
    public async Task Each_heartbeat_renews_the_expiry_and_replaces_the_state()
    {
        await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 1), Now);
        for (var i = 0; i < 5; i++)
        {
            _backend.Time.Advance(RelayRegistry.HeartbeatInterval);
            Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 10 + i, draining: i == 4), Now)).IsSuccess);
        }

        var relay = Assert.Single(await _registry.ListAsync(_title.Id));
        Assert.Equal((14, true, Now, Now + RelayRegistry.Lifetime), (relay.Load, relay.Draining, relay.LastHeartbeatAt, relay.ExpiresAt));
        Assert.False(relay.IsHealthyAt(Now));
    }

    [Fact]
    public async Task A_heartbeat_signed_before_the_stored_one_does_not_overwrite_it()
    {
        var signedAt = Now;
        await _registry.HeartbeatAsync(_title.Id, Heartbeat(draining: true), signedAt);

        // A replay of an older heartbeat (still inside the signature's clock window) would undo the drain.
        var replayed = await _registry.HeartbeatAsync(_title.Id, Heartbeat(draining: false), signedAt - TimeSpan.FromSeconds(5));

        Assert.True(replayed.IsSuccess);
        Assert.True(replayed.Value.Draining);
        Assert.True(Assert.Single(await _registry.ListAsync(_title.Id)).Draining);
    }

    public static TheoryData<RelayHeartbeat, string> InvalidHeartbeats()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var session = Ids.NewId(TimeProvider.System);
        var good = new RelaySessionEvent(SessionEventNames.SessionStarted, session, now, 2, null);
        return new()
        {
            { Heartbeat(relayId: ""), "relayId" },
            { Heartbeat(relayId: "Relay-1"), "relayId" },
            { Heartbeat(relayId: new string('r', 65)), "relayId" },
            { Heartbeat(region: "eu west"), "region" },
            { Heartbeat(endpoint: "203.0.113.10"), "endpoint" },
            { Heartbeat(endpoint: "203.0.113.10:0"), "endpoint" },
            { Heartbeat(endpoint: "203.0.113.10:70000"), "endpoint" },
            { Heartbeat(endpoint: "0.0.0.0:7777"), "endpoint" },
            { Heartbeat(endpoint: "http://relay:7777"), "endpoint" },
            { Heartbeat(capacity: -1), "capacity" },
            { Heartbeat(load: -1), "load" },
            { Heartbeat() with { Load = double.NaN }, "load" },
            { Heartbeat() with { Load = double.PositiveInfinity }, "load" },
            { Heartbeat() with { Sessions = -1 }, "sessions" },
            { Heartbeat() with { Members = -1 }, "members" },
            { Heartbeat() with { Version = "" }, "version" },
            { Heartbeat() with { Version = "1.0 beta" }, "version" },
            { Heartbeat() with { Events = Enumerable.Repeat(good, RelayRegistry.MaxEvents + 1).ToList() }, "events" },
            { Heartbeat(events: [good, good with { Name = "session_paused" }]), "events[1].name" },
            { Heartbeat(events: [good with { SessionId = "not-a-session" }]), "events[0].sessionId" },
            { Heartbeat(events: [good with { Time = now.AddMinutes(6) }]), "events[0].time" },
            { Heartbeat(events: [good with { Time = now.AddDays(-8) }]), "events[0].time" },
            { Heartbeat(events: [good with { Members = 257 }]), "events[0].members" },
            { Heartbeat(events: [good with { Name = SessionEventNames.SessionEnded, DurationSeconds = -1 }]), "events[0].durationSeconds" },
            { Heartbeat(events: [good with { Name = SessionEventNames.SessionEnded, DurationSeconds = double.NaN }]), "events[0].durationSeconds" },
            { Heartbeat(events: [null!]), "events[0]" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidHeartbeats))]
    public async Task An_invalid_heartbeat_names_the_member_at_fault_and_stores_and_publishes_nothing(RelayHeartbeat heartbeat, string field)
    {
        var result = await _registry.HeartbeatAsync(_title.Id, heartbeat, Now);

        Assert.False(result.IsSuccess);
        Assert.Equal((ErrorKind.Validation, ErrorCodes.InvalidRelayHeartbeat), (result.Error.Kind, result.Error.Code));
        Assert.Equal(field, result.Error.Details!["field"]);
        Assert.Empty(await _registry.ListAsync(_title.Id));
        Assert.Empty(_bus.Events);
    }

    [Theory]
    [InlineData("127.0.0.1:7777")]
    [InlineData("relay-1.eu.example.com:40000")]
    [InlineData("localhost:1")]
    [InlineData("[2001:db8::1]:7777")]
    public void Endpoints_are_host_and_port(string endpoint) => Assert.True(RelayRules.IsValidEndpoint(endpoint));

    [Theory]
    [InlineData("")]
    [InlineData(":7777")]
    [InlineData("relay:")]
    [InlineData("relay:+77")]
    [InlineData("127.1:7777")]
    [InlineData("[::]:7777")]
    [InlineData("2001:db8::1:7777")]
    [InlineData("[2001:db8::1%eth0]:7777")]
    [InlineData("-relay.example.com:7777")]
    [InlineData("relay_1.example.com:7777")]
    [InlineData("relay .example.com:7777")]
    public void Anything_else_is_not_an_endpoint(string endpoint) => Assert.False(RelayRules.IsValidEndpoint(endpoint));

    [Fact]
    public async Task Session_events_reach_the_bus_with_ids_that_a_resend_repeats()
    {
        var session = Ids.NewId(_backend.Time);
        var started = new RelaySessionEvent(SessionEventNames.SessionStarted, session, Now.AddSeconds(-30), 2, null);
        var ended = new RelaySessionEvent(SessionEventNames.SessionEnded, session, Now.AddSeconds(-1), 0, 29.5);

        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(events: [started, ended]), Now)).IsSuccess);
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(events: [ended]), Now)).IsSuccess);

        var events = _bus.Events.Where(e => e.Name != BackendEventNames.RelayHeartbeat).ToArray();
        Assert.Equal([SessionEventNames.SessionStarted, SessionEventNames.SessionEnded, SessionEventNames.SessionEnded], events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal((_title.Id, session, (string?)null), (e.TitleId, e.SessionId, e.PlayerId)));
        Assert.Equal(started.Time, events[0].Time);
        Assert.NotEqual(events[0].Id, events[1].Id);
        Assert.Equal(events[1].Id, events[2].Id);
        Assert.True(Ids.IsWellFormed(events[0].Id));
        Assert.True(string.CompareOrdinal(events[0].Id, events[1].Id) < 0, "ids sort by the event's time");

        var properties = events[1].Properties!.Value;
        Assert.Equal("relay-1", properties.GetProperty("relay").GetString());
        Assert.Equal("eu", properties.GetProperty("region").GetString());
        Assert.Equal(0, properties.GetProperty("members").GetInt32());
        Assert.Equal(29.5, properties.GetProperty("durationSeconds").GetDouble());
    }

    [Fact]
    public async Task Every_accepted_heartbeat_publishes_relay_heartbeat_with_sessions_and_members_and_a_resend_repeats_its_id()
    {
        var signedAt = Now.AddSeconds(-2);
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 4), signedAt)).IsSuccess);
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 4), signedAt)).IsSuccess);
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(load: 6), Now)).IsSuccess);

        var beats = _bus.Events.ToArray();
        Assert.All(beats, e => Assert.Equal((BackendEventNames.RelayHeartbeat, _title.Id, (string?)null, (string?)null), (e.Name, e.TitleId, e.PlayerId, e.SessionId)));
        Assert.Equal([signedAt, signedAt, Now], beats.Select(e => e.Time));
        Assert.Equal(beats[0].Id, beats[1].Id);
        Assert.NotEqual(beats[1].Id, beats[2].Id);
        var properties = beats[2].Properties!.Value;
        Assert.Equal(("relay-1", "eu", 6, 12), (properties.GetProperty("relay").GetString(), properties.GetProperty("region").GetString(), properties.GetProperty("sessions").GetInt32(), properties.GetProperty("members").GetInt32()));
    }

    [Fact]
    public async Task A_bus_that_refuses_a_heartbeat_without_session_events_does_not_fail_it()
    {
        _bus.Unavailable = true;
        var publisher = _bus.Publisher();
        var registry = new RelayRegistry(_backend.Store, publisher, _backend.Time);

        Assert.True((await registry.HeartbeatAsync(_title.Id, Heartbeat(load: 3), Now)).IsSuccess);

        Assert.Equal(1, publisher.Dropped);
        Assert.Equal(3, Assert.Single(await registry.ListAsync(_title.Id)).Sessions);
    }

    [Fact]
    public async Task When_the_bus_refuses_the_events_the_heartbeat_is_unavailable_but_the_relay_stays_registered()
    {
        _bus.Unavailable = true;
        var ended = new RelaySessionEvent(SessionEventNames.SessionEnded, Ids.NewId(_backend.Time), Now, 0, 12);

        var result = await _registry.HeartbeatAsync(_title.Id, Heartbeat(events: [ended]), Now);

        Assert.False(result.IsSuccess);
        Assert.Equal((ErrorKind.Unavailable, ErrorCodes.EventBusUnavailable), (result.Error.Kind, result.Error.Code));
        Assert.Single(await _registry.ListAsync(_title.Id));

        // A heartbeat without events does not need the bus.
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(), Now)).IsSuccess);

        _bus.Unavailable = false;
        Assert.True((await _registry.HeartbeatAsync(_title.Id, Heartbeat(events: [ended]), Now)).IsSuccess);
        Assert.Single(_bus.Events, e => e.Name == SessionEventNames.SessionEnded);
    }

    [Fact]
    public async Task Titles_do_not_see_each_others_relays()
    {
        var other = await _backend.CreateTitleAsync(name: "Other Game");
        await _registry.HeartbeatAsync(_title.Id, Heartbeat(relayId: "relay-1", load: 1), Now);
        await _registry.HeartbeatAsync(other.Id, Heartbeat(relayId: "relay-1", load: 50), Now);

        Assert.Equal(1, Assert.Single(await _registry.ListAsync(_title.Id)).Load);
        Assert.Equal(50, Assert.Single(await _registry.ListAsync(other.Id)).Load);
    }

    [Fact]
    public async Task Relays_are_listed_in_id_order()
    {
        foreach (var id in new[] { "relay-c", "relay-a", "relay-b" })
        {
            await _registry.HeartbeatAsync(_title.Id, Heartbeat(relayId: id), Now);
        }

        Assert.Equal(["relay-a", "relay-b", "relay-c"], (await _registry.ListAsync(_title.Id)).Select(r => r.RelayId));
    }

    [Fact]
    public void Healthy_means_alive_not_draining_and_below_capacity()
    {
        var now = Now;
        var relay = new RegisteredRelay("r", "eu", "127.0.0.1:1", 10, 9, 9, 18, "1", false, now, now.AddSeconds(15));
        Assert.True(relay.IsHealthyAt(now));
        Assert.False((relay with { Load = 10 }).IsHealthyAt(now));
        Assert.False((relay with { Capacity = 0, Load = 0 }).IsHealthyAt(now));
        Assert.False((relay with { Draining = true }).IsHealthyAt(now));
        Assert.False(relay.IsHealthyAt(now.AddSeconds(15)));
    }
}
