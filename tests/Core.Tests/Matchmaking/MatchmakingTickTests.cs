using System.Buffers.Text;
using GameBackend.Core.Events;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Sessions;

namespace GameBackend.Core.Tests.Matchmaking;

public sealed class MatchmakingTickTests : IAsyncLifetime
{
    private static readonly QueueConfig FiveVersusFive = new()
    {
        Teams = 2,
        TeamSize = 5,
        Skill = new WideningConfig { Initial = 100, Step = 100, EverySeconds = 10, Max = 1000 },
        TicketTimeoutSeconds = 60,
    };

    private readonly MatchmakingBackend _mm = new();
    private GameBackend.Core.Tenancy.Title _title = null!;

    public async Task InitializeAsync() => _title = await _mm.CreateTitleAsync();

    public async Task DisposeAsync() => await _mm.DisposeAsync();

    [Fact]
    public async Task Ten_searching_players_become_one_match_with_seats_relay_and_join_tokens()
    {
        await _mm.PutQueueAsync(_title, "5v5", FiveVersusFive);
        var players = await _mm.NewPlayersAsync(_title, 10);
        var tickets = new List<TicketView>();
        foreach (var player in players)
        {
            tickets.Add(await _mm.QueueAsync(_title, "5v5", player));
        }

        var report = await _mm.TickAsync(_title, "5v5");

        Assert.Equal((10, 1, 10), (report.Searching, report.MatchesFormed, report.TicketsMatched));
        var title = (await _mm.Backend.Titles.FindAsync(_title.Id, refresh: true))!;
        string? matchId = null;
        var slots = new HashSet<int>();
        for (var i = 0; i < players.Count; i++)
        {
            var view = (await _mm.Tickets.GetAsync(_title.Id, "5v5", tickets[i].Ticket.Id, players[i])).Value;
            Assert.Equal(TicketStatus.Matched, view.Ticket.Status);
            var assignment = view.Assignment!;
            matchId ??= assignment.Match.Id;
            Assert.Equal(matchId, assignment.Match.Id);
            Assert.Equal("10.0.0.1:7777", assignment.Match.RelayEndpoint);
            var seat = Assert.Single(assignment.Seats);
            Assert.Equal(players[i], seat.PlayerId);
            Assert.True(slots.Add(seat.Slot));

            var token = Base64Url.DecodeFromChars(seat.JoinToken);
            var key = title.RelayKeys.Single(k => k.KeyId == JoinToken.KeyIdOf(token));
            Assert.Equal(JoinTokenFailure.None, JoinToken.Verify(token, key.Secret, _mm.Backend.Time.GetUtcNow(), out var grant));
            Assert.Equal((_title.Id, assignment.Match.SessionId, players[i], seat.Slot), (grant!.TitleId, grant.SessionId, grant.PlayerId, grant.Slot));
        }

        Assert.Equal(Enumerable.Range(0, 10), slots.Order());
        var formed = Assert.Single(_mm.Events.Events, e => e.Name == BackendEventNames.MatchFormed);
        Assert.Equal(_title.Id, formed.TitleId);
        Assert.Equal(matchId, formed.Properties!.Value.GetProperty("match").GetString());
    }

    [Fact]
    public async Task Players_of_a_match_leave_the_pool_and_may_queue_again()
    {
        await _mm.PutQueueAsync(_title, "5v5", FiveVersusFive);
        var players = await _mm.NewPlayersAsync(_title, 10);
        foreach (var player in players)
        {
            await _mm.QueueAsync(_title, "5v5", player);
        }

        await _mm.TickAsync(_title, "5v5");
        var second = await _mm.TickAsync(_title, "5v5");

        Assert.Equal((0, 0), (second.Searching, second.MatchesFormed));
        Assert.True((await _mm.Tickets.CreateAsync(_title.Id, "5v5", new TicketRequest([players[0]], null, null), players[0])).IsSuccess);
    }

    [Fact]
    public async Task Old_tickets_time_out()
    {
        await _mm.PutQueueAsync(_title, "5v5", FiveVersusFive);
        var player = await _mm.NewPlayerAsync(_title);
        var ticket = await _mm.QueueAsync(_title, "5v5", player);

        _mm.Backend.Time.Advance(TimeSpan.FromSeconds(61));
        var report = await _mm.TickAsync(_title, "5v5");

        Assert.Equal(1, report.TimedOut);
        Assert.Equal(TicketStatus.TimedOut, (await _mm.Tickets.GetAsync(_title.Id, "5v5", ticket.Ticket.Id, player)).Value.Ticket.Status);
    }

    [Fact]
    public async Task Players_with_different_attributes_never_meet()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1, Attributes = ["build"] });
        var players = await _mm.NewPlayersAsync(_title, 4);
        await _mm.QueueAsync(_title, "duel", players[0], new() { ["build"] = "1.0" });
        await _mm.QueueAsync(_title, "duel", players[1], new() { ["build"] = "1.1" });
        var report = await _mm.TickAsync(_title, "duel");
        Assert.Equal(0, report.MatchesFormed);

        await _mm.QueueAsync(_title, "duel", players[2], new() { ["build"] = "1.1" });
        await _mm.QueueAsync(_title, "duel", players[3], new() { ["build"] = "1.0" });
        report = await _mm.TickAsync(_title, "duel");

        Assert.Equal(2, report.MatchesFormed);
        foreach (var (a, b) in new[] { (0, 3), (1, 2) })
        {
            var viewA = (await _mm.Tickets.GetLatestAsync(_title.Id, players[a])).Value;
            var viewB = (await _mm.Tickets.GetLatestAsync(_title.Id, players[b])).Value;
            Assert.Equal(viewA.Assignment!.Match.Id, viewB.Assignment!.Match.Id);
        }
    }

    [Fact]
    public async Task A_match_is_hosted_in_a_region_every_player_reaches_and_gets_that_regions_relay()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig
        {
            Teams = 2,
            TeamSize = 1,
            Latency = new LatencyConfig { Regions = ["eu", "na"], InitialMs = 50, MaxMs = 50 },
        });
        var players = await _mm.NewPlayersAsync(_title, 2);
        await _mm.QueueAsync(_title, "duel", players[0], pings: new() { ["eu"] = 120, ["na"] = 30 });
        await _mm.QueueAsync(_title, "duel", players[1], pings: new() { ["eu"] = 40, ["na"] = 45 });

        Assert.Equal(1, (await _mm.TickAsync(_title, "duel")).MatchesFormed);

        var match = (await _mm.Tickets.GetLatestAsync(_title.Id, players[0])).Value.Assignment!.Match;
        Assert.Equal("na", match.Region);
        Assert.Equal("10.0.0.2:7777", match.RelayEndpoint);
    }

    [Fact]
    public async Task A_preferred_spread_holds_a_loose_match_back_until_the_tickets_have_waited()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig
        {
            Teams = 2,
            TeamSize = 1,
            Skill = new WideningConfig { Initial = 400, Max = 400 },
            PreferredSpread = new WideningConfig { Initial = 50, Step = 100, EverySeconds = 5, Max = 400 },
        });
        var (strong, weak) = (await _mm.NewPlayerAsync(_title), await _mm.NewPlayerAsync(_title));
        var start = PlayerRatings.DefaultValue(RatingSystem.Glicko2);
        await _mm.Ratings.ApplyAsync(_title.Id, Common.Ids.NewId(_mm.Backend.Time), "duel", RatingSystem.Glicko2, 24, new RatingChange(strong, start, start with { Rating = 1700 }), default);
        await _mm.QueueAsync(_title, "duel", strong);
        await _mm.QueueAsync(_title, "duel", weak);

        Assert.Equal(0, (await _mm.TickAsync(_title, "duel")).MatchesFormed);

        _mm.Backend.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, (await _mm.TickAsync(_title, "duel")).MatchesFormed);
    }

    [Fact]
    public async Task Without_a_relay_no_match_forms_and_the_tickets_keep_searching()
    {
        var noRelays = new MatchmakingTick(_mm.Backend.Store, _mm.Queues, new ConfiguredRelayDirectory([]), _mm.Events, _mm.Backend.Time);
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        var players = await _mm.NewPlayersAsync(_title, 2);
        foreach (var player in players)
        {
            await _mm.QueueAsync(_title, "duel", player);
        }

        var report = (await noRelays.RunQueueAsync(_title.Id, "duel")).Value;

        Assert.Equal((0, 1), (report.MatchesFormed, report.NoRelay));
        Assert.Equal(TicketStatus.Searching, (await _mm.Tickets.GetLatestAsync(_title.Id, players[0])).Value.Ticket.Status);
    }

    [Fact]
    public async Task A_cancelled_ticket_is_never_matched()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        var players = await _mm.NewPlayersAsync(_title, 2);
        var first = await _mm.QueueAsync(_title, "duel", players[0]);
        await _mm.QueueAsync(_title, "duel", players[1]);
        await _mm.Tickets.CancelAsync(_title.Id, "duel", first.Ticket.Id, players[0]);

        var report = await _mm.TickAsync(_title, "duel");

        Assert.Equal((1, 0), (report.Searching, report.MatchesFormed));
    }

    [Fact]
    public async Task A_second_tick_while_the_lease_is_held_is_skipped()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        var lease = await _mm.Backend.Store.CreateAsync(new Storage.NewItem(new Storage.ItemKey(_title.Id, "matchmaking:duel", "lease"), "{}"u8.ToArray(), _mm.Backend.Time.GetUtcNow().AddSeconds(30)));
        Assert.True(lease.Succeeded);

        var skipped = await _mm.TickAsync(_title, "duel");
        Assert.True(skipped.Skipped);

        _mm.Backend.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.False((await _mm.TickAsync(_title, "duel")).Skipped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Concurrent_ticks_never_put_a_ticket_in_two_matches(bool useLease)
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1, Skill = new WideningConfig { Initial = 1000, Max = 1000 } });
        var players = await _mm.NewPlayersAsync(_title, 60);
        var ticks = Enumerable.Range(0, 4).Select(_ => _mm.NewTick(useLease)).ToList();

        // Tickets keep arriving while four "hosts" tick the same queue at once, round after round.
        var round = 0;
        foreach (var chunk in players.Chunk(12))
        {
            foreach (var player in chunk)
            {
                await _mm.QueueAsync(_title, "duel", player);
            }

            await Task.WhenAll(ticks.Select(t => Task.Run(() => t.RunQueueAsync(_title.Id, "duel"))));
            round++;
        }

        var matches = new Dictionary<string, List<string>>();
        foreach (var player in players)
        {
            var view = (await _mm.Tickets.GetLatestAsync(_title.Id, player)).Value;
            Assert.Equal(TicketStatus.Matched, view.Ticket.Status);
            var match = view.Assignment!.Match;
            if (!matches.TryGetValue(match.Id, out var members))
            {
                matches[match.Id] = members = [.. match.Players.Select(p => p.PlayerId)];
            }

            Assert.Contains(player, members);
        }

        Assert.Equal(30, matches.Count);
        Assert.Equal(60, matches.Values.SelectMany(m => m).Distinct().Count());
        Assert.Equal(60, matches.Values.Sum(m => m.Count));
        Assert.Equal(30, _mm.Events.Events.Count(e => e.Name == BackendEventNames.MatchFormed));
    }

    [Fact]
    public async Task A_refused_event_does_not_undo_the_match_and_is_counted()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        foreach (var player in await _mm.NewPlayersAsync(_title, 2))
        {
            await _mm.QueueAsync(_title, "duel", player);
        }

        _mm.Events.Unavailable = true;
        var report = await _mm.TickAsync(_title, "duel");

        Assert.Equal((1, 1), (report.MatchesFormed, report.EventFailures));
    }

    [Fact]
    public async Task Run_all_ticks_every_queue_of_every_title()
    {
        var other = await _mm.CreateTitleAsync();
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        await _mm.PutQueueAsync(other, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        foreach (var title in new[] { _title, other })
        {
            foreach (var player in await _mm.NewPlayersAsync(title, 2))
            {
                await _mm.QueueAsync(title, "duel", player);
            }
        }

        var reports = await _mm.Tick.RunAllAsync();

        Assert.Single(reports, r => r.TitleId == _title.Id && r.QueueId == "duel" && r.MatchesFormed == 1);
        Assert.Single(reports, r => r.TitleId == other.Id && r.QueueId == "duel" && r.MatchesFormed == 1);
    }

    [Fact]
    public async Task A_deleted_queue_is_no_longer_ticked_and_frees_its_players()
    {
        await _mm.PutQueueAsync(_title, "duel", new QueueConfig { Teams = 2, TeamSize = 1 });
        var player = await _mm.NewPlayerAsync(_title);
        await _mm.QueueAsync(_title, "duel", player);

        Assert.True((await _mm.Queues.DeleteAsync(_title.Id, "duel")).IsSuccess);

        Assert.DoesNotContain(await _mm.Tick.RunAllAsync(), r => r.TitleId == _title.Id);
        await _mm.PutQueueAsync(_title, "other", new QueueConfig { Teams = 2, TeamSize = 1 });
        Assert.True((await _mm.Tickets.CreateAsync(_title.Id, "other", new TicketRequest([player], null, null), player)).IsSuccess);
    }
}
