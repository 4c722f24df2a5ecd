using GameBackend.Core.Common;
using GameBackend.Core.Matchmaking;

namespace GameBackend.Core.Tests.Matchmaking;

public sealed class TicketServiceTests : IAsyncLifetime
{
    private static readonly QueueConfig Duel = new()
    {
        Teams = 2,
        TeamSize = 2,
        MaxPartySize = 2,
        Attributes = ["mode"],
        Latency = new LatencyConfig { Regions = ["eu", "na"], InitialMs = 80, MaxMs = 80 },
    };

    private static readonly Dictionary<string, string> Ctf = new() { ["mode"] = "ctf" };
    private static readonly Dictionary<string, double> Eu = new() { ["eu"] = 20 };

    private readonly MatchmakingBackend _mm = new();
    private GameBackend.Core.Tenancy.Title _title = null!;

    public async Task InitializeAsync()
    {
        _title = await _mm.CreateTitleAsync();
        await _mm.PutQueueAsync(_title, "duel", Duel);
        await _mm.PutQueueAsync(_title, "other", Duel with { Latency = null, Attributes = [] });
    }

    public async Task DisposeAsync() => await _mm.DisposeAsync();

    [Fact]
    public async Task A_ticket_searches_and_tells_the_client_when_to_poll()
    {
        var player = await _mm.NewPlayerAsync(_title);

        var created = await _mm.QueueAsync(_title, "duel", player, Ctf, Eu);

        Assert.Equal(TicketStatus.Searching, created.Ticket.Status);
        Assert.True(created.PollAfterSeconds > 0);
        Assert.Equal(1500, created.Ticket.Skill);
        var read = await _mm.Tickets.GetAsync(_title.Id, "duel", created.Ticket.Id, player);
        Assert.Equal(created.Ticket.Id, read.Value.Ticket.Id);
        var latest = await _mm.Tickets.GetLatestAsync(_title.Id, player);
        Assert.Equal(created.Ticket.Id, latest.Value.Ticket.Id);
    }

    [Fact]
    public async Task A_second_active_ticket_in_any_queue_is_refused_until_the_first_ends()
    {
        var player = await _mm.NewPlayerAsync(_title);
        var first = await _mm.QueueAsync(_title, "duel", player, Ctf, Eu);

        var second = await _mm.Tickets.CreateAsync(_title.Id, "other", new TicketRequest([player], null, null), player);

        Assert.Equal(ErrorCodes.TicketAlreadyActive, second.Error!.Code);
        Assert.Equal(first.Ticket.Id, second.Error.Details!["ticketId"]);
        Assert.Equal(first.Ticket.Id, (await _mm.Tickets.GetLatestAsync(_title.Id, player)).Value.Ticket.Id);

        var cancelled = await _mm.Tickets.CancelAsync(_title.Id, "duel", first.Ticket.Id, player);
        Assert.Equal(TicketStatus.Cancelled, cancelled.Value.Ticket.Status);
        var third = await _mm.Tickets.CreateAsync(_title.Id, "other", new TicketRequest([player], null, null), player);
        Assert.True(third.IsSuccess);
    }

    [Fact]
    public async Task A_timed_out_ticket_no_longer_counts_as_active()
    {
        var player = await _mm.NewPlayerAsync(_title);
        await _mm.QueueAsync(_title, "duel", player, Ctf, Eu);

        _mm.Backend.Time.Advance(TimeSpan.FromSeconds(Duel.TicketTimeoutSeconds + 1));
        var again = await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([player], Ctf, Eu), player);

        Assert.True(again.IsSuccess, again.Error?.Message);
    }

    [Fact]
    public async Task Bad_tickets_are_refused_and_leave_the_player_free()
    {
        var player = await _mm.NewPlayerAsync(_title);

        Assert.Equal(ErrorCodes.QueueNotFound, (await _mm.Tickets.CreateAsync(_title.Id, "missing", new TicketRequest([player], Ctf, Eu), player)).Error!.Code);
        Assert.Equal(ErrorCodes.UnknownRegion, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([player], Ctf, new Dictionary<string, double> { ["moon"] = 1 }), player)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidTicketAttributes, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([player], null, Eu), player)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidPing, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([player], Ctf, null), player)).Error!.Code);

        Assert.Equal(ErrorCodes.TicketNotFound, (await _mm.Tickets.GetLatestAsync(_title.Id, player)).Error!.Code);
        Assert.True((await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([player], Ctf, Eu), player)).IsSuccess);
    }

    [Fact]
    public async Task A_party_ticket_carries_its_players_and_their_aggregated_skill()
    {
        var party = await _mm.NewPlayersAsync(_title, 2);

        var created = await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest(party, Ctf, Eu), null);

        Assert.True(created.IsSuccess, created.Error?.Message);
        Assert.Equal(party, created.Value.Ticket.Players.Select(p => p.PlayerId));
        foreach (var member in party)
        {
            Assert.Equal(created.Value.Ticket.Id, (await _mm.Tickets.GetLatestAsync(_title.Id, member)).Value.Ticket.Id);
        }
    }

    [Fact]
    public async Task Bad_parties_are_refused()
    {
        var players = await _mm.NewPlayersAsync(_title, 3);

        Assert.Equal(ErrorCodes.InvalidParty, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest(players, Ctf, Eu), null)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidParty, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([players[0], players[0]], Ctf, Eu), null)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidParty, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([players[0]], Ctf, Eu), players[1])).Error!.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([players[0], Ids.NewId(TimeProvider.System)], Ctf, Eu), null)).Error!.Code);
    }

    [Fact]
    public async Task A_party_with_a_searching_member_is_refused_and_frees_the_members_it_claimed()
    {
        var players = await _mm.NewPlayersAsync(_title, 2);
        await _mm.QueueAsync(_title, "duel", players[1], Ctf, Eu);

        var party = await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest(players, Ctf, Eu), null);

        Assert.Equal(ErrorCodes.TicketAlreadyActive, party.Error!.Code);
        Assert.True((await _mm.Tickets.CreateAsync(_title.Id, "duel", new TicketRequest([players[0]], Ctf, Eu), players[0])).IsSuccess);
    }

    [Fact]
    public async Task Only_players_on_a_ticket_can_read_or_cancel_it()
    {
        var players = await _mm.NewPlayersAsync(_title, 2);
        var ticket = await _mm.QueueAsync(_title, "duel", players[0], Ctf, Eu);

        Assert.Equal(ErrorCodes.TicketNotFound, (await _mm.Tickets.GetAsync(_title.Id, "duel", ticket.Ticket.Id, players[1])).Error!.Code);
        Assert.Equal(ErrorCodes.TicketNotFound, (await _mm.Tickets.CancelAsync(_title.Id, "duel", ticket.Ticket.Id, players[1])).Error!.Code);
        Assert.Equal(TicketStatus.Searching, (await _mm.Tickets.GetAsync(_title.Id, "duel", ticket.Ticket.Id, players[0])).Value.Ticket.Status);
    }

    [Fact]
    public async Task Another_titles_tickets_are_not_found()
    {
        var player = await _mm.NewPlayerAsync(_title);
        var ticket = await _mm.QueueAsync(_title, "duel", player, Ctf, Eu);
        var otherTitle = await _mm.CreateTitleAsync();
        await _mm.PutQueueAsync(otherTitle, "duel", Duel);

        Assert.Equal(ErrorCodes.TicketNotFound, (await _mm.Tickets.GetAsync(otherTitle.Id, "duel", ticket.Ticket.Id, null)).Error!.Code);
        Assert.Equal(ErrorCodes.TicketNotFound, (await _mm.Tickets.CancelAsync(otherTitle.Id, "duel", ticket.Ticket.Id, null)).Error!.Code);
    }

    [Fact]
    public async Task Cancelling_an_ended_ticket_says_it_is_not_searching()
    {
        var player = await _mm.NewPlayerAsync(_title);
        var ticket = await _mm.QueueAsync(_title, "duel", player, Ctf, Eu);
        await _mm.Tickets.CancelAsync(_title.Id, "duel", ticket.Ticket.Id, player);

        var again = await _mm.Tickets.CancelAsync(_title.Id, "duel", ticket.Ticket.Id, player);

        Assert.Equal(ErrorCodes.TicketNotSearching, again.Error!.Code);
        Assert.Equal("cancelled", again.Error.Details!["ticketStatus"]);
    }
}
