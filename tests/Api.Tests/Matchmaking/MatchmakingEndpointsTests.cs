using System.Net;
using System.Text.Json;

namespace GameBackend.Api.Tests.Matchmaking;

[Collection(ApiCollection.Name)]
public sealed class MatchmakingEndpointsTests(SharedApiFactory factory)
{
    private const string DuelQueue = """
        {"teams":2,"teamSize":1,"attributes":["build"],
         "latency":{"regions":["eu","na"],"initialMs":80,"stepMs":0,"everySeconds":10,"maxMs":80},
         "results":{"reporters":"players","agreement":"all"}}
        """;

    private const string Build1EuPing = """{"attributes":{"build":"1.0"},"pings":{"eu":25}}""";

    private static async Task PutQueueAsync(HttpClient client, TestTitle title, string id, string json)
    {
        using var response = await client.SendAsync(HttpMethod.Put, $"/v1/admin/matchmaking/queues/{id}", json, serverKey: title.ServerKey);
        await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static async Task<JsonElement> QueueAsync(HttpClient client, Session player, string queue, string json)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/v1/matchmaking/queues/{queue}/tickets", json, player.AccessToken);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private static async Task<JsonElement> TickAsync(HttpClient client, TestTitle title, string queue)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/{queue}/tick", serverKey: title.ServerKey);
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url, Session? player = null, TestTitle? admin = null)
    {
        using var response = await client.SendAsync(HttpMethod.Get, url, accessToken: player?.AccessToken, serverKey: admin?.ServerKey);
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Queues_are_validated_versioned_listed_and_deleted()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        using var put = await client.SendAsync(HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", DuelQueue, serverKey: title.ServerKey);
        var queue = await put.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, queue.GetProperty("config").GetProperty("teamSize").GetInt32());
        Assert.Equal("glicko2", queue.GetProperty("config").GetProperty("rating").GetProperty("system").GetString());
        var etag = put.Headers.ETag!.Tag;

        var invalid = await client.SendAsync(HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":30}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_queue_config");
        Assert.Equal("teamSize", invalid.GetProperty("field").GetString());
        await client.SendAsync(HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSiz":3}""", serverKey: title.ServerKey).AssertProblemAsync(400, "unknown_field");
        await client.SendAsync(HttpMethod.Put, "/v1/admin/matchmaking/queues/Bad%20Id", "{}", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_queue_id");
        using (var stale = ApiClient.Request(HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":2}""", serverKey: title.ServerKey))
        {
            stale.Headers.TryAddWithoutValidation("If-Match", "\"stale\"");
            await (await client.SendAsync(stale)).AssertProblemAsync(409, "version_conflict");
        }

        using (var got = await client.SendAsync(HttpMethod.Get, "/v1/admin/matchmaking/queues/duel", serverKey: title.ServerKey))
        {
            var read = await got.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, read.GetProperty("config").GetProperty("teamSize").GetInt32());
            Assert.Equal(etag, got.Headers.ETag!.Tag);
        }

        var list = await GetAsync(client, "/v1/admin/matchmaking/queues", admin: title);
        Assert.Equal(["duel"], list.GetProperty("items").EnumerateArray().Select(q => q.GetProperty("id").GetString()));

        using (var deleted = await client.SendAsync(HttpMethod.Delete, "/v1/admin/matchmaking/queues/duel", serverKey: title.ServerKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await client.SendAsync(HttpMethod.Get, "/v1/admin/matchmaking/queues/duel", serverKey: title.ServerKey).AssertProblemAsync(404, "queue_not_found");
    }

    [Fact]
    public async Task Players_queue_get_matched_read_their_seat_report_and_see_their_rating_change()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await PutQueueAsync(client, title, "duel", DuelQueue);
        var alice = await client.SignInDeviceAsync(title);
        var bob = await client.SignInDeviceAsync(title);

        var ticketA = await QueueAsync(client, alice, "duel", Build1EuPing);
        Assert.Equal("searching", ticketA.GetProperty("status").GetString());
        Assert.True(ticketA.GetProperty("pollAfterSeconds").GetInt32() > 0);
        var ticketB = await QueueAsync(client, bob, "duel", """{"attributes":{"build":"1.0"},"pings":{"eu":40,"na":90}}""");

        var tick = await TickAsync(client, title, "duel");
        Assert.Equal(1, tick.GetProperty("matchesFormed").GetInt32());

        var readA = await GetAsync(client, $"/v1/matchmaking/queues/duel/tickets/{ticketA.GetProperty("ticketId").GetString()}", alice);
        Assert.Equal("matched", readA.GetProperty("status").GetString());
        var assignment = readA.GetProperty("assignment");
        Assert.Equal("eu", assignment.GetProperty("region").GetString());
        Assert.False(string.IsNullOrEmpty(assignment.GetProperty("relayEndpoint").GetString()));
        var seat = Assert.Single(assignment.GetProperty("seats").EnumerateArray());
        Assert.Equal(alice.PlayerId, seat.GetProperty("playerId").GetString());
        Assert.False(string.IsNullOrEmpty(seat.GetProperty("joinToken").GetString()));
        Assert.Equal(2, assignment.GetProperty("players").GetArrayLength());
        var matchId = assignment.GetProperty("matchId").GetString();
        var current = await GetAsync(client, "/v1/matchmaking/tickets/current", bob);
        Assert.Equal(ticketB.GetProperty("ticketId").GetString(), current.GetProperty("ticketId").GetString());

        var teamOfAlice = assignment.GetProperty("players").EnumerateArray().Single(p => p.GetProperty("playerId").GetString() == alice.PlayerId).GetProperty("team").GetInt32();
        var aliceWins = teamOfAlice == 0 ? "[1,2]" : "[2,1]";
        using (var first = await client.SendAsync(HttpMethod.Post, $"/v1/matchmaking/queues/duel/matches/{matchId}/result", $$"""{"teamRanks":{{aliceWins}}}""", alice.AccessToken))
        {
            Assert.Equal("formed", (await first.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        await client.SendAsync(HttpMethod.Post, $"/v1/matchmaking/queues/duel/matches/{matchId}/result", $$"""{"teamRanks":{{aliceWins}}}""", alice.AccessToken).AssertProblemAsync(409, "result_already_reported");
        using (var second = await client.SendAsync(HttpMethod.Post, $"/v1/matchmaking/queues/duel/matches/{matchId}/result", $$"""{"teamRanks":{{aliceWins}}}""", bob.AccessToken))
        {
            var rated = await second.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("rated", rated.GetProperty("status").GetString());
            var change = Assert.Single(rated.GetProperty("ratingChanges").EnumerateArray());
            Assert.Equal(bob.PlayerId, change.GetProperty("playerId").GetString());
            Assert.True(change.GetProperty("after").GetProperty("rating").GetDouble() < 1500);
        }

        var ratings = await GetAsync(client, "/v1/matchmaking/ratings", alice);
        var mine = Assert.Single(ratings.GetProperty("items").EnumerateArray());
        Assert.Equal("duel", mine.GetProperty("key").GetString());
        Assert.True(mine.GetProperty("value").GetProperty("rating").GetDouble() > 1500);
        Assert.Equal(1, mine.GetProperty("games").GetInt32());

        var adminView = await GetAsync(client, $"/v1/admin/matchmaking/queues/duel/matches/{matchId}", admin: title);
        Assert.Equal(2, adminView.GetProperty("ratingChanges").GetArrayLength());
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/duel/matches/{matchId}/result", """{"teamRanks":[1,1]}""", serverKey: title.ServerKey).AssertProblemAsync(409, "result_conflict");
    }

    [Fact]
    public async Task Bad_ticket_requests_are_4xx_and_write_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await PutQueueAsync(client, title, "duel", DuelQueue);
        var player = await client.SignInDeviceAsync(title);
        const string url = "/v1/matchmaking/queues/duel/tickets";

        await client.SendAsync(HttpMethod.Post, "/v1/matchmaking/queues/nope/tickets", Build1EuPing, player.AccessToken).AssertProblemAsync(404, "queue_not_found");
        var region = await client.SendAsync(HttpMethod.Post, url, """{"attributes":{"build":"1.0"},"pings":{"moon":25}}""", player.AccessToken).AssertProblemAsync(400, "unknown_region");
        Assert.Equal("moon", region.GetProperty("region").GetString());
        await client.SendAsync(HttpMethod.Post, url, """{"pings":{"eu":25}}""", player.AccessToken).AssertProblemAsync(400, "invalid_ticket_attributes");
        await client.SendAsync(HttpMethod.Post, url, """{"attributes":{"build":"1.0"},"pings":{"eu":"fast"}}""", player.AccessToken).AssertProblemAsync(400, "invalid_json");
        await client.SendAsync(HttpMethod.Post, url, """{"attributes":{"build":"1.0"},"pings":{"eu":25},"skill":3000}""", player.AccessToken).AssertProblemAsync(400, "unknown_field");
        await client.SendAsync(HttpMethod.Post, url, Build1EuPing).AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Get, "/v1/matchmaking/tickets/current", accessToken: player.AccessToken).AssertProblemAsync(404, "ticket_not_found");

        var ticket = await QueueAsync(client, player, "duel", Build1EuPing);
        var second = await client.SendAsync(HttpMethod.Post, url, Build1EuPing, player.AccessToken).AssertProblemAsync(409, "ticket_already_active");
        Assert.Equal(ticket.GetProperty("ticketId").GetString(), second.GetProperty("ticketId").GetString());

        using (var cancelled = await client.SendAsync(HttpMethod.Delete, $"{url}/{ticket.GetProperty("ticketId").GetString()}", accessToken: player.AccessToken))
        {
            Assert.Equal("cancelled", (await cancelled.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }

        var notSearching = await client.SendAsync(HttpMethod.Delete, $"{url}/{ticket.GetProperty("ticketId").GetString()}", accessToken: player.AccessToken).AssertProblemAsync(409, "ticket_not_searching");
        Assert.Equal("cancelled", notSearching.GetProperty("ticketStatus").GetString());
        await client.SendAsync(HttpMethod.Get, $"{url}/not-an-id", accessToken: player.AccessToken).AssertProblemAsync(404, "ticket_not_found");
    }

    [Fact]
    public async Task Results_from_outsiders_or_where_players_may_not_report_are_refused()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await PutQueueAsync(client, title, "server-only", """{"teams":2,"teamSize":1}""");
        var players = new[] { await client.SignInDeviceAsync(title), await client.SignInDeviceAsync(title) };
        var outsider = await client.SignInDeviceAsync(title);
        foreach (var p in players)
        {
            await QueueAsync(client, p, "server-only", "{}");
        }

        await TickAsync(client, title, "server-only");
        var matchId = (await GetAsync(client, "/v1/matchmaking/tickets/current", players[0])).GetProperty("assignment").GetProperty("matchId").GetString();
        var resultUrl = $"/v1/matchmaking/queues/server-only/matches/{matchId}/result";

        await client.SendAsync(HttpMethod.Post, resultUrl, """{"teamRanks":[1,2]}""", outsider.AccessToken).AssertProblemAsync(404, "match_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/matchmaking/queues/server-only/matches/{matchId}", accessToken: outsider.AccessToken).AssertProblemAsync(404, "match_not_found");
        await client.SendAsync(HttpMethod.Post, resultUrl, """{"teamRanks":[1,2]}""", players[0].AccessToken).AssertProblemAsync(403, "player_reports_disabled");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/server-only/matches/{matchId}/result", """{"teamRanks":[1]}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_match_result");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/server-only/matches/{matchId}/result", """{}""", serverKey: title.ServerKey).AssertProblemAsync(400, "missing_field");

        var match = await GetAsync(client, $"/v1/matchmaking/queues/server-only/matches/{matchId}", players[1]);
        Assert.Equal("formed", match.GetProperty("status").GetString());
        Assert.Empty((await GetAsync(client, "/v1/matchmaking/ratings", players[0])).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_server_queues_parties_and_sees_every_seat()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await PutQueueAsync(client, title, "2v2", """{"teams":2,"teamSize":2,"maxPartySize":2}""");
        var players = new List<Session>();
        for (var i = 0; i < 4; i++)
        {
            players.Add(await client.SignInDeviceAsync(title));
        }

        string? ticketId = null;
        foreach (var pair in players.Chunk(2))
        {
            using var created = await client.SendAsync(HttpMethod.Post, "/v1/admin/matchmaking/queues/2v2/tickets",
                $$"""{"players":["{{pair[0].PlayerId}}","{{pair[1].PlayerId}}"]}""", serverKey: title.ServerKey);
            ticketId ??= (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("ticketId").GetString();
        }

        await client.SendAsync(HttpMethod.Post, "/v1/admin/matchmaking/queues/2v2/tickets", $$"""{"players":["{{players[0].PlayerId}}"]}""", serverKey: title.ServerKey).AssertProblemAsync(409, "ticket_already_active");
        await client.SendAsync(HttpMethod.Post, "/v1/admin/matchmaking/queues/2v2/tickets", """{"players":["a","b","c"]}""", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_party");
        await TickAsync(client, title, "2v2");

        var ticket = await GetAsync(client, $"/v1/admin/matchmaking/queues/2v2/tickets/{ticketId}", admin: title);
        var seats = ticket.GetProperty("assignment").GetProperty("seats").EnumerateArray().ToList();
        Assert.Equal(2, seats.Count);
        Assert.Single(seats.Select(s => s.GetProperty("team").GetInt32()).Distinct());
        var memberView = await GetAsync(client, "/v1/matchmaking/tickets/current", players[1]);
        Assert.Equal(players[1].PlayerId, Assert.Single(memberView.GetProperty("assignment").GetProperty("seats").EnumerateArray()).GetProperty("playerId").GetString());
    }

    [Fact]
    public async Task Another_title_reaches_no_queue_ticket_or_match()
    {
        var a = await factory.CreateTitleAsync();
        var b = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await PutQueueAsync(client, b, "duel", """{"teams":2,"teamSize":1}""");
        var players = new[] { await client.SignInDeviceAsync(b), await client.SignInDeviceAsync(b) };
        var ticket = await QueueAsync(client, players[0], "duel", "{}");
        await QueueAsync(client, players[1], "duel", "{}");
        await TickAsync(client, b, "duel");
        var matchId = (await GetAsync(client, "/v1/matchmaking/tickets/current", players[0])).GetProperty("assignment").GetProperty("matchId").GetString();
        var playerOfA = await client.SignInDeviceAsync(a);

        await client.SendAsync(HttpMethod.Get, "/v1/admin/matchmaking/queues/duel", serverKey: a.ServerKey).AssertProblemAsync(404, "queue_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/matchmaking/queues/duel/tickets/{ticket.GetProperty("ticketId").GetString()}", serverKey: a.ServerKey).AssertProblemAsync(404, "ticket_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/matchmaking/queues/duel/matches/{matchId}", serverKey: a.ServerKey).AssertProblemAsync(404, "match_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/duel/matches/{matchId}/result", """{"teamRanks":[1,2]}""", serverKey: a.ServerKey).AssertProblemAsync(404, "match_not_found");
        await client.SendAsync(HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", playerOfA.AccessToken).AssertProblemAsync(404, "queue_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/duel/tickets", $$"""{"players":["{{players[0].PlayerId}}"]}""", serverKey: a.ServerKey).AssertProblemAsync(404, "queue_not_found");
        Assert.Empty((await GetAsync(client, $"/v1/admin/matchmaking/players/{players[0].PlayerId}/ratings", admin: a)).GetProperty("items").EnumerateArray());

        Assert.Equal("formed", (await GetAsync(client, $"/v1/admin/matchmaking/queues/duel/matches/{matchId}", admin: b)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Relay_keys_are_listed_and_rotated_with_the_server_key()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        var before = await GetAsync(client, "/v1/admin/keys/relay", admin: title);
        var first = Assert.Single(before.GetProperty("items").EnumerateArray());
        Assert.True(first.GetProperty("current").GetBoolean());
        Assert.Equal(43, first.GetProperty("secret").GetString()!.Length);

        using var rotated = await client.SendAsync(HttpMethod.Post, "/v1/admin/keys/relay/rotate", serverKey: title.ServerKey);
        var after = (await rotated.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, after.Count);
        var current = Assert.Single(after, k => k.GetProperty("current").GetBoolean());
        Assert.NotEqual(first.GetProperty("keyId").GetString(), current.GetProperty("keyId").GetString());

        await client.SendAsync(HttpMethod.Get, "/v1/admin/keys/relay").AssertProblemAsync(401, "invalid_server_key");
    }
}
