using System.Net;
using System.Text.Json;

namespace GameBackend.Api.Tests.Leaderboards;

[Collection(ApiCollection.Name)]
public sealed class LeaderboardEndpointsTests(SharedApiFactory factory)
{
    private static async Task<JsonElement> CreateBoardAsync(HttpClient client, TestTitle title, string json)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards", json, serverKey: title.ServerKey);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private static async Task<JsonElement> SubmitAsync(HttpClient client, Session session, string board, string json)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/v1/leaderboards/{board}/records", json, session.AccessToken);
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, Session session, string url)
    {
        using var response = await client.SendAsync(HttpMethod.Get, url, accessToken: session.AccessToken);
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static string[] PlayerIds(JsonElement page) =>
        page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("playerId").GetString()!).ToArray();

    [Fact]
    public async Task Admin_creates_gets_lists_and_deletes_boards()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        using var created = await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards",
            """{"id":"weekly-kills","sortOrder":"descending","operator":"increment","resetSchedule":"0 0 * * 1"}""", serverKey: title.ServerKey);
        var board = await created.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("/v1/admin/leaderboards/weekly-kills", created.Headers.Location?.OriginalString);
        Assert.Equal("weekly-kills", board.GetProperty("id").GetString());
        Assert.Equal("increment", board.GetProperty("operator").GetString());
        Assert.Equal("0 0 * * 1", board.GetProperty("resetSchedule").GetString());
        Assert.Matches("^[0-9]{8}T000000Z$", board.GetProperty("currentPeriod").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.String, board.GetProperty("previousPeriod").GetProperty("id").ValueKind);

        var defaults = await CreateBoardAsync(client, title, """{"id":"best-lap"}""");
        Assert.Equal("descending", defaults.GetProperty("sortOrder").GetString());
        Assert.Equal("best", defaults.GetProperty("operator").GetString());
        Assert.Equal("all", defaults.GetProperty("currentPeriod").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, defaults.GetProperty("previousPeriod").ValueKind);

        await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards", """{"id":"best-lap"}""", serverKey: title.ServerKey).AssertProblemAsync(409, "leaderboard_exists");

        using var list = await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards", serverKey: title.ServerKey);
        Assert.Equal(["best-lap", "weekly-kills"], (await list.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetString()));

        using var get = await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards/weekly-kills", serverKey: title.ServerKey);
        Assert.Equal("weekly-kills", (await get.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("id").GetString());

        using var deleted = await client.SendAsync(HttpMethod.Delete, "/v1/admin/leaderboards/weekly-kills", serverKey: title.ServerKey);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards/weekly-kills", serverKey: title.ServerKey).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Delete, "/v1/admin/leaderboards/weekly-kills", serverKey: title.ServerKey).AssertProblemAsync(404, "leaderboard_not_found");
    }

    [Theory]
    [InlineData("""{"id":"Bad Id"}""", 400, "invalid_leaderboard_id")]
    [InlineData("""{"id":""}""", 400, "invalid_leaderboard_id")]
    [InlineData("""{"id":"b","sortOrder":"up"}""", 400, "invalid_sort_order")]
    [InlineData("""{"id":"b","operator":"sum"}""", 400, "invalid_leaderboard_operator")]
    [InlineData("""{"id":"b","resetSchedule":"every monday"}""", 400, "invalid_reset_schedule")]
    [InlineData("""{"id":"b","resetSchedule":"0 0 31 2 *"}""", 400, "invalid_reset_schedule")]
    [InlineData("""{"id":"b","order":"ascending"}""", 400, "unknown_field")]
    [InlineData("""{"sortOrder":"ascending"}""", 400, "missing_field")]
    public async Task Bad_definitions_are_problems_and_create_nothing(string json, int status, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards", json, serverKey: title.ServerKey).AssertProblemAsync(status, code);

        using var list = await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards", serverKey: title.ServerKey);
        Assert.Empty((await list.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Admin_routes_need_the_server_key()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards", """{"id":"b"}""").AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards", accessToken: session.AccessToken).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/b/records").AssertProblemAsync(401, "invalid_token");
    }

    [Fact]
    public async Task Players_submit_and_read_the_top_their_neighbourhood_and_their_own_rank()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"points"}""");
        var sessions = new List<Session>();
        for (var i = 0; i < 12; i++)
        {
            var session = await client.SignInDeviceAsync(title);
            sessions.Add(session);
            var record = await SubmitAsync(client, session, "points", $$$"""{"score":{{{(i + 1) * 100}}},"metadata":{"team":"t{{{i % 3}}}"}}""");
            Assert.Equal(session.PlayerId, record.GetProperty("playerId").GetString());
            Assert.Equal(1, record.GetProperty("rank").GetInt64());
        }

        var best = await SubmitAsync(client, sessions[0], "points", """{"score":50}""");
        Assert.Equal(100, best.GetProperty("score").GetDouble());
        Assert.Equal("t0", best.GetProperty("metadata").GetProperty("team").GetString());

        var first = await GetAsync(client, sessions[0], "/v1/leaderboards/points/records?limit=5");
        Assert.Equal(12, first.GetProperty("total").GetInt64());
        Assert.Equal("all", first.GetProperty("periodId").GetString());
        Assert.Equal("points", first.GetProperty("leaderboardId").GetString());
        Assert.Equal([sessions[11].PlayerId, sessions[10].PlayerId, sessions[9].PlayerId, sessions[8].PlayerId, sessions[7].PlayerId], PlayerIds(first));
        Assert.Equal([1L, 2, 3, 4, 5], first.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("rank").GetInt64()));
        var cursor = first.GetProperty("nextCursor").GetString();

        var second = await GetAsync(client, sessions[0], $"/v1/leaderboards/points/records?limit=5&cursor={cursor}");
        Assert.Equal(6, second.GetProperty("records")[0].GetProperty("rank").GetInt64());
        var third = await GetAsync(client, sessions[0], $"/v1/leaderboards/points/records?limit=5&cursor={second.GetProperty("nextCursor").GetString()}");
        Assert.Equal(2, third.GetProperty("records").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextCursor").ValueKind);

        var me = await GetAsync(client, sessions[5], "/v1/leaderboards/points/records/me");
        Assert.Equal(7, me.GetProperty("rank").GetInt64());
        Assert.Equal(600, me.GetProperty("score").GetDouble());
        Assert.Equal("t2", me.GetProperty("metadata").GetProperty("team").GetString());

        var around = await GetAsync(client, sessions[5], "/v1/leaderboards/points/records/around-me?k=2");
        Assert.Equal([sessions[7].PlayerId, sessions[6].PlayerId, sessions[5].PlayerId, sessions[4].PlayerId, sessions[3].PlayerId], PlayerIds(around));

        var defaultAround = await GetAsync(client, sessions[11], "/v1/leaderboards/points/records/around-me");
        Assert.Equal(6, defaultAround.GetProperty("records").GetArrayLength());

        var board = await GetAsync(client, sessions[0], "/v1/leaderboards/points");
        Assert.Equal("all", board.GetProperty("currentPeriod").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"score":"12"}""", "invalid_json")]
    [InlineData("""{"score":"NaN"}""", "invalid_json")]
    [InlineData("""{"score":"Infinity"}""", "invalid_json")]
    [InlineData("""{"score":NaN}""", "invalid_json")]
    [InlineData("""{"score":null}""", "invalid_json")]
    [InlineData("""{"score":1e400}""", "invalid_score")]
    [InlineData("""{"score":-1e400}""", "invalid_score")]
    [InlineData("""{"score":9007199254740994}""", "invalid_score")]
    [InlineData("""{"metadata":{}}""", "missing_field")]
    [InlineData("""{"score":1,"rank":1}""", "unknown_field")]
    [InlineData("""{"score":1,"metadata":[1]}""", "invalid_leaderboard_metadata")]
    [InlineData("""{"score":1,"metadata":"text"}""", "invalid_leaderboard_metadata")]
    public async Task Bad_scores_and_metadata_are_400_and_write_nothing(string json, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"points","operator":"latest"}""");
        var session = await client.SignInDeviceAsync(title);

        await client.SendAsync(HttpMethod.Post, "/v1/leaderboards/points/records", json, session.AccessToken).AssertProblemAsync(400, code);
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/leaderboards/points/records/{session.PlayerId}", json, serverKey: title.ServerKey).AssertProblemAsync(400, code);
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records/me", accessToken: session.AccessToken).AssertProblemAsync(404, "leaderboard_record_not_found");
        Assert.Equal(0, (await GetAsync(client, session, "/v1/leaderboards/points/records")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Oversized_metadata_is_400_and_writes_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"points"}""");
        var session = await client.SignInDeviceAsync(title);
        await SubmitAsync(client, session, "points", """{"score":1,"metadata":{"v":"small"}}""");

        var oversized = $$$"""{"score":2,"metadata":{"v":"{{{new string('x', 1100)}}}"}}""";
        await client.SendAsync(HttpMethod.Post, "/v1/leaderboards/points/records", oversized, session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_metadata");
        var me = await GetAsync(client, session, "/v1/leaderboards/points/records/me");
        Assert.Equal(1, me.GetProperty("score").GetDouble());
        Assert.Equal("small", me.GetProperty("metadata").GetProperty("v").GetString());
    }

    [Fact]
    public async Task Bad_query_arguments_are_400()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"points"}""");
        var session = await client.SignInDeviceAsync(title);
        await SubmitAsync(client, session, "points", """{"score":1}""");

        foreach (var query in new[] { "limit=0", "limit=101", "limit=abc", "limit=-1", "limit=1.5" })
        {
            await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records?" + query, accessToken: session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_limit");
        }

        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records/around-me?k=51", accessToken: session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_limit");
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records/around-me?k=x", accessToken: session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_limit");
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records?cursor=abc", accessToken: session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_cursor");
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records?period=20240101T000000Z", accessToken: session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_period");
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records/me?period=last-week", accessToken: session.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_period");
        Assert.Equal(1, (await GetAsync(client, session, "/v1/leaderboards/points/records?period=all")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Unknown_boards_are_404_on_every_route_and_nothing_is_written()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        foreach (var (method, url, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, "/v1/leaderboards/nope", null),
            (HttpMethod.Post, "/v1/leaderboards/nope/records", """{"score":1}"""),
            (HttpMethod.Get, "/v1/leaderboards/nope/records", null),
            (HttpMethod.Get, "/v1/leaderboards/nope/records/me", null),
            (HttpMethod.Get, "/v1/leaderboards/nope/records/around-me", null),
        })
        {
            await client.SendAsync(method, url, body, session.AccessToken).AssertProblemAsync(404, "leaderboard_not_found");
        }

        await client.SendAsync(HttpMethod.Post, $"/v1/admin/leaderboards/nope/records/{session.PlayerId}", """{"score":1}""", serverKey: title.ServerKey).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards/nope", serverKey: title.ServerKey).AssertProblemAsync(404, "leaderboard_not_found");
    }

    [Fact]
    public async Task Another_titles_boards_and_players_are_not_found()
    {
        var titleA = await factory.CreateTitleAsync();
        var titleB = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, titleA, """{"id":"points"}""");
        var playerA = await client.SignInDeviceAsync(titleA);
        var playerB = await client.SignInDeviceAsync(titleB);
        await SubmitAsync(client, playerA, "points", """{"score":5}""");

        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records", accessToken: playerB.AccessToken).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Post, "/v1/leaderboards/points/records", """{"score":9}""", playerB.AccessToken).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Get, "/v1/admin/leaderboards/points", serverKey: titleB.ServerKey).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Delete, "/v1/admin/leaderboards/points", serverKey: titleB.ServerKey).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/leaderboards/points/records/{playerB.PlayerId}", """{"score":9}""", serverKey: titleA.ServerKey).AssertProblemAsync(404, "player_not_found");

        var top = await GetAsync(client, playerA, "/v1/leaderboards/points/records");
        Assert.Equal([playerA.PlayerId], PlayerIds(top));
        Assert.Equal(5, top.GetProperty("records")[0].GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task A_server_submits_for_a_player_with_the_board_operator()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"fastest","sortOrder":"ascending"}""");
        var session = await client.SignInDeviceAsync(title);

        foreach (var time in new[] { 61.5, 59.25, 70 })
        {
            using var response = await client.SendAsync(HttpMethod.Post, $"/v1/admin/leaderboards/fastest/records/{session.PlayerId}",
                $$$"""{"score":{{{time.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"metadata":{"car":"red"}}""", serverKey: title.ServerKey);
            await response.ReadJsonAsync(HttpStatusCode.OK);
        }

        var me = await GetAsync(client, session, "/v1/leaderboards/fastest/records/me");
        Assert.Equal(59.25, me.GetProperty("score").GetDouble());
        Assert.Equal(1, me.GetProperty("rank").GetInt64());
        await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards/fastest/records/0123456789abcdef0123456789abcdef", """{"score":1}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
    }

    [Fact]
    public async Task Parallel_increments_over_http_sum_exactly()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"coins","operator":"increment"}""");
        var session = await client.SignInDeviceAsync(title);

        var responses = await Task.WhenAll(Enumerable.Range(1, 32).Select(i =>
            client.SendAsync(HttpMethod.Post, "/v1/leaderboards/coins/records", $$"""{"score":{{i}}}""", session.AccessToken)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.Equal(528, (await GetAsync(client, session, "/v1/leaderboards/coins/records/me")).GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task A_finished_period_stays_readable_with_its_id()
    {
        // Its own host: moving the clock by a week must not expire the shared host's tokens.
        await using var host = new ApiFactory();
        var title = await host.CreateTitleAsync();
        using var client = host.CreateClient();
        var board = await CreateBoardAsync(client, title, """{"id":"daily","operator":"increment","resetSchedule":"0 0 * * *"}""");
        var firstPeriod = board.GetProperty("currentPeriod").GetProperty("id").GetString()!;
        var deviceId = ApiClient.NewDeviceId();
        var session = await client.SignInDeviceAsync(title, deviceId);
        await SubmitAsync(client, session, "daily", """{"score":7}""");

        host.Time.Advance(TimeSpan.FromDays(1));
        session = await client.SignInDeviceAsync(title, deviceId);
        var status = await GetAsync(client, session, "/v1/leaderboards/daily");
        Assert.Equal(firstPeriod, status.GetProperty("previousPeriod").GetProperty("id").GetString());
        Assert.NotEqual(firstPeriod, status.GetProperty("currentPeriod").GetProperty("id").GetString());

        Assert.Equal(0, (await GetAsync(client, session, "/v1/leaderboards/daily/records")).GetProperty("total").GetInt64());
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/daily/records/me", accessToken: session.AccessToken).AssertProblemAsync(404, "leaderboard_record_not_found");
        var archived = await GetAsync(client, session, $"/v1/leaderboards/daily/records?period={firstPeriod}");
        Assert.Equal(firstPeriod, archived.GetProperty("periodId").GetString());
        Assert.Equal(7, archived.GetProperty("records")[0].GetProperty("score").GetDouble());
        Assert.Equal(7, (await GetAsync(client, session, $"/v1/leaderboards/daily/records/me?period={firstPeriod}")).GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task The_friends_view_shows_the_caller_and_accepted_friends_with_board_wide_ranks()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await CreateBoardAsync(client, title, """{"id":"points"}""");
        var me = await client.SignInDeviceAsync(title);
        var friend = await client.SignInDeviceAsync(title);
        var stranger = await client.SignInDeviceAsync(title);
        await SubmitAsync(client, me, "points", """{"score":10}""");
        await SubmitAsync(client, friend, "points", """{"score":30}""");
        await SubmitAsync(client, stranger, "points", """{"score":20}""");
        using (var requested = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{friend.PlayerId}/request", accessToken: me.AccessToken))
        {
            Assert.True(requested.IsSuccessStatusCode);
        }

        Assert.Equal([me.PlayerId], PlayerIds(await GetAsync(client, me, "/v1/leaderboards/points/records/friends")));
        using (var accepted = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{me.PlayerId}/accept", accessToken: friend.AccessToken))
        {
            Assert.True(accepted.IsSuccessStatusCode);
        }

        var view = await GetAsync(client, me, "/v1/leaderboards/points/records/friends");
        Assert.Equal([friend.PlayerId, me.PlayerId], PlayerIds(view));
        Assert.Equal([1L, 3], view.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("rank").GetInt64()));
        Assert.Equal(3, view.GetProperty("total").GetInt64());
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/nope/records/friends", accessToken: me.AccessToken).AssertProblemAsync(404, "leaderboard_not_found");
        await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/points/records/friends?period=x", accessToken: me.AccessToken).AssertProblemAsync(400, "invalid_leaderboard_period");
    }
}
