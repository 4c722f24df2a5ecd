using System.Diagnostics;
using System.Buffers.Text;

namespace GameBackend.Client.Tests.Http;

[Collection(BackendCollection.Name)]
public sealed class MatchmakingTests(SharedBackend backend)
{
    private const string DuelQueue = """
        {"teams":2,"teamSize":1,"attributes":["build"],"results":{"reporters":"players","agreement":"all"}}
        """;

    private static readonly Dictionary<string, string> Build = new() { ["build"] = "1.0" };

    private static string NewDeviceId() => "device-" + Guid.NewGuid().ToString("N");

    private async Task<(TestTitle Title, GameBackendClient A, GameBackendClient B)> TwoPlayersAsync()
    {
        var title = await backend.CreateTitleAsync();
        await backend.AdminAsync(title, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", DuelQueue);
        var a = backend.NewClient(title);
        var b = backend.NewClient(title);
        await a.Auth.SignInWithDeviceAsync(NewDeviceId());
        await b.Auth.SignInWithDeviceAsync(NewDeviceId());
        return (title, a, b);
    }

    private Task TickAsync(TestTitle title) => backend.AdminAsync(title, HttpMethod.Post, "/v1/admin/matchmaking/queues/duel/tick");

    [Fact]
    public async Task Tickets_are_matched_by_the_tick_and_carry_the_assignment_with_join_tokens()
    {
        var (title, a, b) = await TwoPlayersAsync();
        using var _a = a;
        using var _b = b;

        Assert.Null(await a.Matchmaking.GetCurrentTicketAsync());
        var ticketA = await a.Matchmaking.CreateTicketAsync("duel", Build);
        Assert.True(ticketA.IsSearching);
        Assert.Equal(2, ticketA.PollAfterSeconds);
        Assert.Null(ticketA.Assignment);
        var ticketB = await b.Matchmaking.CreateTicketAsync("duel", Build);
        Assert.Equal(ticketA.TicketId, (await a.Matchmaking.GetCurrentTicketAsync())!.TicketId);

        await TickAsync(title);

        var matchedA = await a.Matchmaking.WaitForMatchAsync(ticketA);
        var matchedB = await b.Matchmaking.WaitForMatchAsync("duel", ticketB.TicketId);
        Assert.True(matchedA.IsMatched);
        Assert.True(matchedB.IsMatched);
        Assert.Equal(0, matchedA.PollAfterSeconds);
        var assignmentA = matchedA.Assignment!;
        var assignmentB = matchedB.Assignment!;
        Assert.Equal(assignmentA.MatchId, assignmentB.MatchId);
        Assert.Equal(assignmentA.SessionId, assignmentB.SessionId);
        Assert.Equal("127.0.0.1:7777", assignmentA.RelayEndpoint);
        Assert.Equal(2, assignmentA.Players.Count);

        // Each player sees only their own seat, with a join token the relay client can use as it is.
        var seatA = Assert.Single(assignmentA.Seats);
        var seatB = Assert.Single(assignmentB.Seats);
        Assert.Equal(a.Session!.PlayerId, seatA.PlayerId);
        Assert.NotEqual(seatA.Slot, seatB.Slot);
        Assert.Equal(98, Base64Url.DecodeFromChars(seatA.JoinToken).Length);
        Assert.True(assignmentA.JoinTokensExpireAt > DateTimeOffset.UtcNow);

        var match = await a.Matchmaking.GetMatchAsync("duel", assignmentA.MatchId);
        Assert.Equal("formed", match.Status);
        Assert.Equal(2, match.Teams);

        // Both players report the same result (the queue asks for agreement of all): the match is rated once.
        var slotOfA = assignmentA.Players.Single(p => p.PlayerId == a.Session!.PlayerId).Team;
        var ranks = slotOfA == 0 ? new[] { 1, 2 } : new[] { 2, 1 };
        await a.Matchmaking.ReportResultAsync("duel", match.MatchId, ranks);
        var again = await Assert.ThrowsAsync<GameBackendException>(() => a.Matchmaking.ReportResultAsync("duel", match.MatchId, ranks));
        Assert.Equal("result_already_reported", again.Code);
        var rated = await b.Matchmaking.ReportResultAsync("duel", match.MatchId, ranks);
        Assert.Equal("rated", rated.Status);
        Assert.Equal(ranks, rated.Result);

        var ratingsA = Assert.Single(await a.Matchmaking.GetRatingsAsync());
        var ratingsB = Assert.Single(await b.Matchmaking.GetRatingsAsync());
        Assert.Equal("duel", ratingsA.Key);
        Assert.Equal("glicko2", ratingsA.System);
        Assert.Equal(1, ratingsA.Games);
        Assert.True(ratingsA.Value.Rating > 1500);
        Assert.True(ratingsB.Value.Rating < 1500);
    }

    [Fact]
    public async Task Polling_waits_as_long_as_the_ticket_asks()
    {
        var (title, a, b) = await TwoPlayersAsync();
        using var _a = a;
        using var _b = b;
        var ticketA = await a.Matchmaking.CreateTicketAsync("duel", Build);
        await b.Matchmaking.CreateTicketAsync("duel", Build);

        var polls = new List<(TimeSpan At, string Status)>();
        var clock = Stopwatch.StartNew();
        var waiting = a.Matchmaking.WaitForMatchAsync(ticketA, onPoll: t => polls.Add((clock.Elapsed, t.Status)));
        while (polls.Count == 0)
        {
            await Task.Delay(20);
        }

        await TickAsync(title);
        var matched = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(matched.IsMatched);
        Assert.Equal(TicketStatuses.Searching, polls[0].Status);
        Assert.Equal(TicketStatuses.Matched, polls[^1].Status);

        // The searching ticket said "poll again after 2 s", and the client did not ask sooner.
        Assert.True(polls[1].At - polls[0].At >= TimeSpan.FromSeconds(1.9), $"second poll after {polls[1].At - polls[0].At}");
    }

    [Fact]
    public async Task Cancelling_the_wait_stops_polling_and_the_ticket_can_then_be_cancelled()
    {
        var (_, a, b) = await TwoPlayersAsync();
        using var _a = a;
        using var _b = b;
        var ticket = await a.Matchmaking.CreateTicketAsync("duel", Build);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.Matchmaking.WaitForMatchAsync(ticket, cancel.Token));

        var active = await Assert.ThrowsAsync<GameBackendException>(() => a.Matchmaking.CreateTicketAsync("duel", Build));
        Assert.Equal(409, active.Status);
        Assert.Equal(ErrorCodes.TicketAlreadyActive, active.Code);
        Assert.Equal(ticket.TicketId, active.Extensions["ticketId"]);
        Assert.Equal("duel", active.Extensions["queueId"]);

        var cancelled = await a.Matchmaking.CancelTicketAsync("duel", ticket.TicketId);
        Assert.Equal(TicketStatuses.Cancelled, cancelled.Status);
        var ended = await a.Matchmaking.WaitForMatchAsync(ticket);
        Assert.False(ended.IsMatched);
        Assert.Equal(TicketStatuses.Cancelled, ended.Status);

        var notSearching = await Assert.ThrowsAsync<GameBackendException>(() => a.Matchmaking.CancelTicketAsync("duel", ticket.TicketId));
        Assert.Equal(409, notSearching.Status);
        Assert.Equal(ErrorCodes.TicketNotSearching, notSearching.Code);

        var foreign = await Assert.ThrowsAsync<GameBackendException>(() => b.Matchmaking.GetTicketAsync("duel", ticket.TicketId));
        Assert.Equal(404, foreign.Status);
        Assert.Equal(ErrorCodes.TicketNotFound, foreign.Code);

        var badAttributes = await Assert.ThrowsAsync<GameBackendException>(() => b.Matchmaking.CreateTicketAsync("duel"));
        Assert.Equal("invalid_ticket_attributes", badAttributes.Code);
    }
}
