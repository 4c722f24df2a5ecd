using GameBackend.Core.Matchmaking;
using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Matchmaking;
using static GameBackend.Core.Tests.Sessions.RelayRegistryTests;

namespace GameBackend.Core.Tests.Sessions;

/// <summary>Allocation over the real registry (SQLite, fake clock), with a configured relay as the last resort.</summary>
public sealed class RegistryRelayDirectoryTests : IAsyncLifetime
{
    private static readonly RelayServer Configured = new("configured", "local", "127.0.0.1:7777");

    private readonly MatchmakingBackend _mm = new();
    private RelayRegistry _registry = null!;
    private RegistryRelayDirectory _directory = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _registry = new RelayRegistry(_mm.Backend.Store, _mm.Events.Publisher(), _mm.Backend.Time);
        _directory = NewDirectory([Configured]);
        _title = await _mm.CreateTitleAsync();
    }

    public async Task DisposeAsync() => await _mm.DisposeAsync();

    private DateTimeOffset Now => _mm.Backend.Time.GetUtcNow();

    private RegistryRelayDirectory NewDirectory(IEnumerable<RelayServer> configured) =>
        new(_registry, new ConfiguredRelayDirectory(configured), _mm.Backend.Time);

    private async Task RegisterAsync(RelayHeartbeat heartbeat, Title? title = null)
    {
        var result = await _registry.HeartbeatAsync((title ?? _title).Id, heartbeat, Now);
        Assert.True(result.IsSuccess, result.Error?.Message);
    }

    private async Task<string?> AllocateAsync(string? region, RegistryRelayDirectory? directory = null, Title? title = null) =>
        (await (directory ?? _directory).AllocateAsync((title ?? _title).Id, region))?.RelayId;

    private async Task<Dictionary<string, int>> AllocateManyAsync(int count, string? region)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var relayId = (await AllocateAsync(region))!;
            counts[relayId] = counts.GetValueOrDefault(relayId) + 1;
        }

        return counts;
    }

    [Fact]
    public async Task A_match_goes_to_the_least_loaded_relay_of_its_region()
    {
        await RegisterAsync(Heartbeat("eu-busy", "eu", capacity: 100, load: 60, endpoint: "203.0.113.1:7777"));
        await RegisterAsync(Heartbeat("eu-big", "eu", capacity: 1000, load: 400, endpoint: "203.0.113.2:7777"));
        await RegisterAsync(Heartbeat("na-idle", "na", capacity: 100, load: 0, endpoint: "198.51.100.1:7777"));

        var relay = await _directory.AllocateAsync(_title.Id, "eu");

        // 400/1000 is less loaded than 60/100, whatever the absolute numbers.
        Assert.Equal(new RelayServer("eu-big", "eu", "203.0.113.2:7777"), relay);
        Assert.Equal("na-idle", await AllocateAsync("na"));
    }

    [Fact]
    public async Task A_fractional_load_is_compared_in_capacitys_unit()
    {
        await RegisterAsync(Heartbeat("eu-a", "eu", capacity: 4) with { Load = 2.5 });
        await RegisterAsync(Heartbeat("eu-b", "eu", capacity: 2) with { Load = 1.5 });

        // 2.5/4 < 1.5/2; after one allocation 3.5/4 > 1.5/2; then eu-b fills (2.5/2 is full) and eu-a takes the last.
        List<string?> chosen = [await AllocateAsync("eu"), await AllocateAsync("eu"), await AllocateAsync("eu"), await AllocateAsync("eu")];
        Assert.Equal(["eu-a", "eu-b", "eu-a", "configured"], chosen!);
    }

    [Fact]
    public async Task Draining_and_full_relays_get_no_new_match()
    {
        await RegisterAsync(Heartbeat("eu-draining", "eu", capacity: 100, load: 0, draining: true));
        await RegisterAsync(Heartbeat("eu-full", "eu", capacity: 50, load: 50));
        await RegisterAsync(Heartbeat("eu-no-capacity", "eu", capacity: 0, load: 0));
        await RegisterAsync(Heartbeat("eu-busy", "eu", capacity: 100, load: 90));

        Assert.Equal("eu-busy", await AllocateAsync("eu"));
    }

    [Fact]
    public async Task A_relay_whose_heartbeats_stopped_gets_no_new_match_even_from_a_cached_read()
    {
        await RegisterAsync(Heartbeat("eu-quiet", "eu", capacity: 100, load: 0));
        _mm.Backend.Time.Advance(TimeSpan.FromSeconds(10));
        await RegisterAsync(Heartbeat("eu-busy", "eu", capacity: 100, load: 95));
        Assert.Equal("eu-quiet", await AllocateAsync("eu"));

        // eu-quiet expires while the directory's read of the registry is still fresh: it is skipped all the same.
        _mm.Backend.Time.Advance(RelayRegistry.Lifetime - TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(500));
        Assert.Equal("eu-quiet", await AllocateAsync("eu"));
        _mm.Backend.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("eu-busy", await AllocateAsync("eu"));
    }

    [Fact]
    public async Task A_region_without_a_healthy_relay_borrows_the_least_loaded_one_of_another_region()
    {
        await RegisterAsync(Heartbeat("eu-full", "eu", capacity: 10, load: 10));
        await RegisterAsync(Heartbeat("na-1", "na", capacity: 100, load: 50));
        await RegisterAsync(Heartbeat("ap-1", "ap", capacity: 100, load: 20));

        Assert.Equal("ap-1", await AllocateAsync("eu"));
        Assert.Equal("ap-1", await AllocateAsync("sa"));
        Assert.Equal("ap-1", await AllocateAsync(null));
    }

    [Fact]
    public async Task With_no_healthy_registered_relay_the_configured_ones_are_the_last_resort()
    {
        Assert.Equal(Configured, await _directory.AllocateAsync(_title.Id, "eu"));

        await RegisterAsync(Heartbeat("eu-draining", "eu", draining: true));
        var fresh = NewDirectory([Configured]);
        Assert.Equal("configured", await AllocateAsync("eu", fresh));

        // No configured relay either: no relay, and the tick leaves the tickets searching.
        Assert.Null(await AllocateAsync("eu", NewDirectory([])));
    }

    [Fact]
    public async Task A_burst_of_matches_spreads_over_the_relays_by_what_was_allocated_since_their_heartbeat()
    {
        await RegisterAsync(Heartbeat("eu-a", "eu", capacity: 100, load: 0));
        await RegisterAsync(Heartbeat("eu-b", "eu", capacity: 100, load: 10));

        // 30 matches inside one cache period: the first 10 fill eu-a up to eu-b's load, then they alternate.
        var counts = await AllocateManyAsync(30, "eu");

        Assert.Equal(20, counts["eu-a"]);
        Assert.Equal(10, counts["eu-b"]);
    }

    [Fact]
    public async Task Allocations_never_push_a_relay_past_its_capacity_before_it_reports_again()
    {
        await RegisterAsync(Heartbeat("eu-small", "eu", capacity: 3, load: 0));

        var counts = await AllocateManyAsync(5, "eu");

        Assert.Equal(3, counts["eu-small"]);
        Assert.Equal(2, counts["configured"]);
    }

    [Fact]
    public async Task A_new_heartbeat_replaces_the_counted_allocations_with_the_relays_own_load()
    {
        await RegisterAsync(Heartbeat("eu-a", "eu", capacity: 10, load: 0));
        await RegisterAsync(Heartbeat("eu-b", "eu", capacity: 10, load: 5));
        Assert.Equal(new Dictionary<string, int> { ["eu-a"] = 5 }, await AllocateManyAsync(5, "eu"));

        // eu-a reports the five sessions (and some of its own); eu-b's heartbeat is unchanged.
        _mm.Backend.Time.Advance(RelayRegistry.HeartbeatInterval);
        await RegisterAsync(Heartbeat("eu-a", "eu", capacity: 10, load: 8));
        await RegisterAsync(Heartbeat("eu-b", "eu", capacity: 10, load: 5));

        Assert.Equal(new Dictionary<string, int> { ["eu-b"] = 3 }, await AllocateManyAsync(3, "eu"));
        Assert.Equal("eu-a", await AllocateAsync("eu"));
    }

    [Fact]
    public async Task The_registry_is_read_at_most_once_per_second()
    {
        await RegisterAsync(Heartbeat("eu-a", "eu", capacity: 100, load: 50));
        Assert.Equal("eu-a", await AllocateAsync("eu"));

        // A relay that registers now is seen once the cached read is a second old.
        await RegisterAsync(Heartbeat("eu-b", "eu", capacity: 100, load: 0));
        Assert.Equal("eu-a", await AllocateAsync("eu"));
        _mm.Backend.Time.Advance(RegistryRelayDirectory.CacheTimeToLive);
        Assert.Equal("eu-b", await AllocateAsync("eu"));
    }

    [Fact]
    public async Task Titles_allocate_only_their_own_relays()
    {
        var other = await _mm.CreateTitleAsync();
        await RegisterAsync(Heartbeat("eu-other", "eu"), other);

        Assert.Equal("configured", await AllocateAsync("eu"));
        Assert.Equal("eu-other", await AllocateAsync("eu", title: other));
    }

    [Fact]
    public async Task Concurrent_allocations_spread_exactly_as_sequential_ones()
    {
        await RegisterAsync(Heartbeat("eu-a", "eu", capacity: 50, load: 0));
        await RegisterAsync(Heartbeat("eu-b", "eu", capacity: 50, load: 0));

        var chosen = await Task.WhenAll(Enumerable.Range(0, 80).Select(_ => Task.Run(() => AllocateAsync("eu"))));

        Assert.Equal(40, chosen.Count(id => id == "eu-a"));
        Assert.Equal(40, chosen.Count(id => id == "eu-b"));
    }

    [Fact]
    public async Task The_tick_assigns_a_match_to_a_registered_relay_of_its_region()
    {
        await RegisterAsync(Heartbeat("eu-relay", "eu", capacity: 100, load: 0, endpoint: "relay-eu.example.com:40000"));
        await RegisterAsync(Heartbeat("na-relay", "na", capacity: 100, load: 0, endpoint: "relay-na.example.com:40000"));
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig
        {
            Teams = 2,
            TeamSize = 1,
            Latency = new LatencyConfig { Regions = ["eu", "na"], InitialMs = 80, StepMs = 0, EverySeconds = 10, MaxMs = 80 },
        });
        var players = await _mm.NewPlayersAsync(_title, 2);
        var tickets = new List<TicketView>();
        foreach (var player in players)
        {
            tickets.Add(await _mm.QueueAsync(_title, "duel", player, pings: new() { ["na"] = 30, ["eu"] = 120 }));
        }

        var tick = new MatchmakingTick(_mm.Backend.Store, _mm.Queues, _directory, _mm.Events, _mm.Backend.Time);
        var report = (await tick.RunQueueAsync(_title.Id, "duel")).Value;

        Assert.Equal((1, 0), (report.MatchesFormed, report.NoRelay));
        var assignment = (await _mm.Tickets.GetAsync(_title.Id, "duel", tickets[0].Ticket.Id, players[0])).Value.Assignment!;
        Assert.Equal(("na", "na-relay", "relay-na.example.com:40000"), (assignment.Match.Region, assignment.Match.RelayId, assignment.Match.RelayEndpoint));
    }
}
