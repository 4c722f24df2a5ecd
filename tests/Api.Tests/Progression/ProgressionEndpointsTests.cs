using System.Net;
using System.Text.Json;

namespace GameBackend.Api.Tests.Progression;

[Collection(ApiCollection.Name)]
public sealed class ProgressionEndpointsTests(SharedApiFactory factory)
{
    private const string ConfigJson = """
        {
          "levelThresholds": [0, 100, 250, 500],
          "stats": [
            { "name": "kills", "min": 0, "max": 1000000, "default": 0, "xpPerUnit": 10 },
            { "name": "jumps", "min": 0, "max": 100, "default": 0, "clientWritable": true }
          ],
          "achievements": [
            { "id": "first-blood", "name": "First blood", "unlockWhen": { "stat": "kills", "atLeast": 1 }, "xp": 50 },
            { "id": "high-jumper", "name": "High jumper", "unlockWhen": { "stat": "jumps", "atLeast": 10 } },
            { "id": "beta-tester", "name": "Beta tester", "xp": 5 }
          ]
        }
        """;

    [Fact]
    public async Task Admin_config_starts_as_the_default_and_put_replaces_it_with_an_etag()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        using var initial = await client.SendAsync(HttpMethod.Get, "/v1/admin/progression/config", serverKey: title.ServerKey);
        var defaults = await initial.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Null(initial.Headers.ETag);
        Assert.Equal("[0]", defaults.GetProperty("levelThresholds").GetRawText());
        Assert.Equal(0, defaults.GetProperty("stats").GetArrayLength());

        using var put = await client.SendAsync(HttpMethod.Put, "/v1/admin/progression/config", ConfigJson, serverKey: title.ServerKey);
        var saved = await put.ReadJsonAsync(HttpStatusCode.OK);
        Assert.NotNull(put.Headers.ETag);
        Assert.Equal(2, saved.GetProperty("stats").GetArrayLength());
        var jumps = saved.GetProperty("stats")[1];
        Assert.True(jumps.GetProperty("clientWritable").GetBoolean());
        Assert.Equal(0, jumps.GetProperty("xpPerUnit").GetInt64());
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("achievements")[2].GetProperty("unlockWhen").ValueKind);

        using var read = await client.SendAsync(HttpMethod.Get, "/v1/admin/progression/config", serverKey: title.ServerKey);
        Assert.Equal(saved.GetRawText(), (await read.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());
        Assert.Equal(put.Headers.ETag!.Tag, read.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Config_put_with_a_stale_if_match_is_409_and_changes_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        using var first = await client.SendAsync(HttpMethod.Put, "/v1/admin/progression/config", ConfigJson, serverKey: title.ServerKey);
        var stale = first.Headers.ETag!;
        using var second = await client.SendAsync(HttpMethod.Put, "/v1/admin/progression/config", """{"levelThresholds":[0,1],"stats":[],"achievements":[]}""", serverKey: title.ServerKey);
        await second.ReadJsonAsync(HttpStatusCode.OK);

        using var conditional = ApiClient.Request(HttpMethod.Put, "/v1/admin/progression/config", ConfigJson, serverKey: title.ServerKey);
        conditional.Headers.IfMatch.Add(stale);
        var problem = await client.SendAsync(conditional).AssertProblemAsync(409, "version_conflict");
        Assert.Equal(second.Headers.ETag!.Tag.Trim('"'), problem.GetProperty("currentVersion").GetString());

        using var read = await client.SendAsync(HttpMethod.Get, "/v1/admin/progression/config", serverKey: title.ServerKey);
        Assert.Equal("[0,1]", (await read.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("levelThresholds").GetRawText());
    }

    [Theory]
    [InlineData("""{"levelThresholds":[0,100,50],"stats":[],"achievements":[]}""", "invalid_progression_config", "levelThresholds[2]")]
    [InlineData("""{"levelThresholds":[5],"stats":[],"achievements":[]}""", "invalid_progression_config", "levelThresholds[0]")]
    [InlineData("""{"levelThresholds":[0],"stats":[{"name":"Bad Name","min":0,"max":1,"default":0}],"achievements":[]}""", "invalid_progression_config", "stats[0].name")]
    [InlineData("""{"levelThresholds":[0],"stats":[{"name":"a","min":5,"max":1,"default":3}],"achievements":[]}""", "invalid_progression_config", "stats[0].max")]
    [InlineData("""{"levelThresholds":[0],"stats":[],"achievements":[{"id":"a","name":"A","unlockWhen":{"stat":"missing","atLeast":1}}]}""", "invalid_progression_config", "achievements[0].unlockWhen.stat")]
    [InlineData("""{"levelThresholds":[0],"stats":[null],"achievements":[]}""", "invalid_progression_config", "stats[0]")]
    [InlineData("""{"levelThresholds":[0],"stats":[],"achievements":[null]}""", "invalid_progression_config", "achievements[0]")]
    [InlineData("""{"levelThresholds":[0],"stats":[{"name":"a","min":0,"max":1}],"achievements":[]}""", "missing_field", null)]
    [InlineData("""{"levelThresholds":[0],"stats":[]}""", "missing_field", null)]
    [InlineData("""{"levelThresholds":[0],"stats":[],"achievements":[],"extra":1}""", "unknown_field", null)]
    [InlineData("""{"levelThresholds":[0],"stats":[{"name":"a","min":0,"max":1,"default":0,"clientWriteable":true}],"achievements":[]}""", "unknown_field", null)]
    [InlineData("""{"levelThresholds":["0"],"stats":[],"achievements":[]}""", "invalid_json", null)]
    [InlineData("""{"levelThresholds":null,"stats":[],"achievements":[]}""", "invalid_json", null)]
    public async Task Invalid_config_is_400_and_the_stored_config_stays(string json, string code, string? path)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        using var put = await client.SendAsync(HttpMethod.Put, "/v1/admin/progression/config", ConfigJson, serverKey: title.ServerKey);
        await put.ReadJsonAsync(HttpStatusCode.OK);

        var problem = await client.SendAsync(HttpMethod.Put, "/v1/admin/progression/config", json, serverKey: title.ServerKey).AssertProblemAsync(400, code);
        if (path is not null)
        {
            Assert.Equal(path, problem.GetProperty("path").GetString());
        }

        using var read = await client.SendAsync(HttpMethod.Get, "/v1/admin/progression/config", serverKey: title.ServerKey);
        await read.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(put.Headers.ETag!.Tag, read.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Own_progression_lists_every_stat_and_the_level()
    {
        var (_, client, session) = await NewPlayerAsync();
        using var disposeClient = client;

        using var response = await client.SendAsync(HttpMethod.Get, "/v1/progression", accessToken: session.AccessToken);
        var progression = await response.ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(session.PlayerId, progression.GetProperty("playerId").GetString());
        Assert.Equal(0, progression.GetProperty("xp").GetInt64());
        Assert.Equal(1, progression.GetProperty("level").GetInt32());
        Assert.Equal(0, progression.GetProperty("levelStartXp").GetInt64());
        Assert.Equal(100, progression.GetProperty("nextLevelXp").GetInt64());
        Assert.Equal("""{"kills":0,"jumps":0}""", progression.GetProperty("stats").GetRawText());
        Assert.Equal("{}", progression.GetProperty("achievements").GetRawText());
        Assert.Equal(0, progression.GetProperty("recentXpGrants").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, progression.GetProperty("updatedAt").ValueKind);
    }

    [Fact]
    public async Task Player_increments_a_client_writable_stat_and_its_rule_unlocks_an_achievement()
    {
        var (_, client, session) = await NewPlayerAsync();
        using (client)
        {
            using var nine = await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/jumps/increment", """{"by":9}""", session.AccessToken);
            var before = await nine.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(0, before.GetProperty("newlyUnlocked").GetArrayLength());
            Assert.Equal(9, before.GetProperty("progression").GetProperty("stats").GetProperty("jumps").GetInt64());

            using var ten = await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/jumps/increment", """{"by":1}""", session.AccessToken);
            var after = await ten.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("""["high-jumper"]""", after.GetProperty("newlyUnlocked").GetRawText());
            Assert.Equal(0, after.GetProperty("xpGranted").GetInt64());
            Assert.True(after.GetProperty("progression").GetProperty("achievements").TryGetProperty("high-jumper", out _));

            using var down = await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/jumps/increment", """{"by":-4}""", session.AccessToken);
            Assert.Equal(6, (await down.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("progression").GetProperty("stats").GetProperty("jumps").GetInt64());
        }
    }

    [Fact]
    public async Task Player_increment_of_a_server_only_stat_is_403_and_unknown_stat_is_404()
    {
        var (_, client, session) = await NewPlayerAsync();
        using (client)
        {
            await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/kills/increment", """{"by":1}""", session.AccessToken)
                .AssertProblemAsync(403, "stat_not_client_writable");
            await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/deaths/increment", """{"by":1}""", session.AccessToken)
                .AssertProblemAsync(404, "stat_not_found");
            await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/Not%20Valid/increment", """{"by":1}""", session.AccessToken)
                .AssertProblemAsync(404, "stat_not_found");

            await AssertUntouchedAsync(client, session);
        }
    }

    [Theory]
    [InlineData("""{"by":101}""", 400, "stat_out_of_range")]
    [InlineData("""{"by":-1}""", 400, "stat_out_of_range")]
    [InlineData("""{"by":0}""", 400, "invalid_stat_increment")]
    [InlineData("""{"by":1000000001}""", 400, "invalid_stat_increment")]
    [InlineData("""{"by":1.5}""", 400, "invalid_json")]
    [InlineData("""{"by":"1"}""", 400, "invalid_json")]
    [InlineData("""{}""", 400, "missing_field")]
    [InlineData("""{"by":1,"extra":true}""", 400, "unknown_field")]
    public async Task Bad_increments_are_400_and_nothing_is_written(string json, int status, string code)
    {
        var (_, client, session) = await NewPlayerAsync();
        using (client)
        {
            var problem = await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/jumps/increment", json, session.AccessToken).AssertProblemAsync(status, code);
            if (code == "stat_out_of_range")
            {
                Assert.Equal("0", problem.GetProperty("current").GetString());
                Assert.Equal("100", problem.GetProperty("max").GetString());
            }

            await AssertUntouchedAsync(client, session);
        }
    }

    [Fact]
    public async Task Sixty_four_parallel_http_increments_are_all_counted()
    {
        var (_, client, session) = await NewPlayerAsync();
        using (client)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                using var response = await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/jumps/increment", """{"by":1}""", session.AccessToken);
                return response.StatusCode;
            }));

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            using var read = await client.SendAsync(HttpMethod.Get, "/v1/progression", accessToken: session.AccessToken);
            Assert.Equal(64, (await read.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("stats").GetProperty("jumps").GetInt64());
        }
    }

    [Fact]
    public async Task Other_players_see_only_the_level_and_achievements()
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            var other = await client.SignInDeviceAsync(title);
            using var grant = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/xp", """{"amount":260}""", serverKey: title.ServerKey);
            await grant.ReadJsonAsync(HttpStatusCode.OK);
            using var unlock = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/achievements/beta-tester/unlock", serverKey: title.ServerKey);
            await unlock.ReadJsonAsync(HttpStatusCode.OK);

            using var response = await client.SendAsync(HttpMethod.Get, $"/v1/players/{session.PlayerId}/progression", accessToken: other.AccessToken);
            var view = await response.ReadJsonAsync(HttpStatusCode.OK);

            Assert.Equal(["playerId", "level", "achievements"], view.EnumerateObject().Select(p => p.Name));
            Assert.Equal(3, view.GetProperty("level").GetInt32());
            Assert.True(view.GetProperty("achievements").TryGetProperty("beta-tester", out _));
        }
    }

    [Fact]
    public async Task Players_of_another_title_and_unknown_players_are_404()
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            var otherTitle = await factory.CreateTitleAsync();
            var stranger = await client.SignInDeviceAsync(otherTitle);

            await client.SendAsync(HttpMethod.Get, $"/v1/players/{stranger.PlayerId}/progression", accessToken: session.AccessToken).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Get, "/v1/players/0123456789abcdef0123456789abcdef/progression", accessToken: session.AccessToken).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{stranger.PlayerId}/progression", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{stranger.PlayerId}/progression/xp", """{"amount":10}""", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{stranger.PlayerId}/progression/stats/kills/increment", """{"by":1}""", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{stranger.PlayerId}/progression/achievements/beta-tester/unlock", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");

            using var strangers = await client.SendAsync(HttpMethod.Get, "/v1/progression", accessToken: stranger.AccessToken);
            var own = await strangers.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(0, own.GetProperty("xp").GetInt64());
            Assert.Equal("{}", own.GetProperty("stats").GetRawText());
        }
    }

    [Fact]
    public async Task Admin_grants_xp_and_increments_server_only_stats_with_their_rules()
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            using var grant = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/xp", """{"amount":99,"reason":"daily quest"}""", serverKey: title.ServerKey);
            var granted = await grant.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(99, granted.GetProperty("xpGranted").GetInt64());
            Assert.Equal(1, granted.GetProperty("progression").GetProperty("level").GetInt32());

            using var kill = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/stats/kills/increment", """{"by":1}""", serverKey: title.ServerKey);
            var killed = await kill.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(60, killed.GetProperty("xpGranted").GetInt64());
            Assert.Equal("""["first-blood"]""", killed.GetProperty("newlyUnlocked").GetRawText());
            Assert.Equal(159, killed.GetProperty("progression").GetProperty("xp").GetInt64());
            Assert.Equal(2, killed.GetProperty("progression").GetProperty("level").GetInt32());

            using var read = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{session.PlayerId}/progression", serverKey: title.ServerKey);
            var progression = await read.ReadJsonAsync(HttpStatusCode.OK);
            var grants = progression.GetProperty("recentXpGrants");
            Assert.Equal(3, grants.GetArrayLength());
            Assert.Equal("server", grants[0].GetProperty("source").GetString());
            Assert.Equal("daily quest", grants[0].GetProperty("detail").GetString());
            Assert.Equal("stat", grants[1].GetProperty("source").GetString());
            Assert.Equal("achievement", grants[2].GetProperty("source").GetString());
            Assert.Equal("first-blood", grants[2].GetProperty("detail").GetString());

            using var own = await client.SendAsync(HttpMethod.Get, "/v1/progression", accessToken: session.AccessToken);
            Assert.Equal(progression.GetRawText(), (await own.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());
        }
    }

    [Theory]
    [InlineData("""{"amount":0}""", "invalid_xp_amount")]
    [InlineData("""{"amount":-1}""", "invalid_xp_amount")]
    [InlineData("""{"amount":1000000001}""", "invalid_xp_amount")]
    [InlineData("""{"amount":1e3}""", "invalid_json")]
    [InlineData("""{"reason":"x"}""", "missing_field")]
    [InlineData("""{"amount":1,"reason":"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"}""", "invalid_xp_reason")]
    public async Task Bad_xp_grants_are_400_and_nothing_is_written(string json, string code)
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/xp", json, serverKey: title.ServerKey).AssertProblemAsync(400, code);
            await AssertUntouchedAsync(client, session);
        }
    }

    [Fact]
    public async Task Admin_stat_out_of_range_is_400_and_nothing_is_written()
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/stats/kills/increment", """{"by":-1}""", serverKey: title.ServerKey)
                .AssertProblemAsync(400, "stat_out_of_range");
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/stats/nope/increment", """{"by":1}""", serverKey: title.ServerKey)
                .AssertProblemAsync(404, "stat_not_found");
            await AssertUntouchedAsync(client, session);
        }
    }

    [Fact]
    public async Task Unlock_is_idempotent_and_answers_the_original_time()
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            var url = $"/v1/admin/players/{session.PlayerId}/progression/achievements/beta-tester/unlock";
            using var first = await client.SendAsync(HttpMethod.Post, url, serverKey: title.ServerKey);
            var unlocked = await first.ReadJsonAsync(HttpStatusCode.OK);
            Assert.False(unlocked.GetProperty("alreadyUnlocked").GetBoolean());
            Assert.Equal(5, unlocked.GetProperty("xpGranted").GetInt64());

            factory.Time.Advance(TimeSpan.FromMinutes(3));
            using var again = await client.SendAsync(HttpMethod.Post, url, serverKey: title.ServerKey);
            var repeated = await again.ReadJsonAsync(HttpStatusCode.OK);
            Assert.True(repeated.GetProperty("alreadyUnlocked").GetBoolean());
            Assert.Equal(0, repeated.GetProperty("xpGranted").GetInt64());
            Assert.Equal(unlocked.GetProperty("unlockedAt").GetDateTimeOffset(), repeated.GetProperty("unlockedAt").GetDateTimeOffset());
            Assert.Equal(5, repeated.GetProperty("progression").GetProperty("xp").GetInt64());

            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/achievements/no-such/unlock", serverKey: title.ServerKey)
                .AssertProblemAsync(404, "achievement_not_found");
        }
    }

    [Fact]
    public async Task Admin_routes_need_the_server_key_and_player_routes_a_token()
    {
        var (title, client, session) = await NewPlayerAsync();
        using (client)
        {
            var other = await factory.CreateTitleAsync();
            var admin = new (HttpMethod Method, string Url, string? Json)[]
            {
                (HttpMethod.Get, "/v1/admin/progression/config", null),
                (HttpMethod.Put, "/v1/admin/progression/config", ConfigJson),
                (HttpMethod.Get, $"/v1/admin/players/{session.PlayerId}/progression", null),
                (HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/xp", """{"amount":10}"""),
                (HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/stats/kills/increment", """{"by":1}"""),
                (HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/achievements/beta-tester/unlock", null),
            };
            foreach (var (method, url, json) in admin)
            {
                await client.SendAsync(method, url, json, serverKey: title.ServerKey[..^1] + (title.ServerKey[^1] == 'A' ? "B" : "A")).AssertProblemAsync(401, "invalid_server_key");
                await client.SendAsync(method, url, json).AssertProblemAsync(401, "invalid_server_key");
                await client.SendAsync(method, url, json, accessToken: session.AccessToken).AssertProblemAsync(401, "invalid_server_key");
            }

            // Another title's server key acts on its own title, where this player does not exist.
            await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/progression/xp", """{"amount":10}""", serverKey: other.ServerKey).AssertProblemAsync(404, "player_not_found");

            await client.SendAsync(HttpMethod.Get, "/v1/progression").AssertProblemAsync(401, "invalid_token");
            await client.SendAsync(HttpMethod.Get, $"/v1/players/{session.PlayerId}/progression").AssertProblemAsync(401, "invalid_token");
            await client.SendAsync(HttpMethod.Post, "/v1/progression/stats/jumps/increment", """{"by":1}""", serverKey: title.ServerKey).AssertProblemAsync(401, "invalid_token");
            await AssertUntouchedAsync(client, session);
        }
    }

    [Fact]
    public async Task OpenApi_lists_every_progression_route_with_its_problems()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var paths = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("paths");
        (string Path, string Method)[] expected =
        [
            ("/v1/progression", "get"),
            ("/v1/players/{playerId}/progression", "get"),
            ("/v1/progression/stats/{stat}/increment", "post"),
            ("/v1/admin/progression/config", "get"),
            ("/v1/admin/progression/config", "put"),
            ("/v1/admin/players/{playerId}/progression", "get"),
            ("/v1/admin/players/{playerId}/progression/xp", "post"),
            ("/v1/admin/players/{playerId}/progression/stats/{stat}/increment", "post"),
            ("/v1/admin/players/{playerId}/progression/achievements/{achievementId}/unlock", "post"),
        ];
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing path {path}");
            Assert.True(item.TryGetProperty(method, out var operation), $"missing {method} {path}");
            Assert.Contains(operation.GetProperty("tags").EnumerateArray(), t => t.GetString() == "Progression");
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("200", out _), $"{method} {path} documents no 200");
            Assert.True(responses.TryGetProperty("401", out _), $"{method} {path} documents no 401");
            Assert.True(responses.TryGetProperty("429", out var tooMany), $"{method} {path} documents no 429");
            Assert.True(tooMany.GetProperty("content").TryGetProperty("application/problem+json", out _));
        }

        var increment = paths.GetProperty("/v1/progression/stats/{stat}/increment").GetProperty("post");
        Assert.True(increment.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(increment.GetProperty("responses").TryGetProperty("403", out _));
    }

    /// <summary>A title with <see cref="ConfigJson"/> and one signed-in player.</summary>
    private async Task<(TestTitle Title, HttpClient Client, Session Session)> NewPlayerAsync()
    {
        var title = await factory.CreateTitleAsync();
        var client = factory.CreateClient();
        using var put = await client.SendAsync(HttpMethod.Put, "/v1/admin/progression/config", ConfigJson, serverKey: title.ServerKey);
        await put.ReadJsonAsync(HttpStatusCode.OK);
        var session = await client.SignInDeviceAsync(title);
        return (title, client, session);
    }

    /// <summary>Nothing was ever written for the player: no XP, stats at defaults, no unlocks, never updated.</summary>
    private static async Task AssertUntouchedAsync(HttpClient client, Session session)
    {
        using var read = await client.SendAsync(HttpMethod.Get, "/v1/progression", accessToken: session.AccessToken);
        var progression = await read.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, progression.GetProperty("xp").GetInt64());
        Assert.Equal("""{"kills":0,"jumps":0}""", progression.GetProperty("stats").GetRawText());
        Assert.Equal("{}", progression.GetProperty("achievements").GetRawText());
        Assert.Equal(JsonValueKind.Null, progression.GetProperty("updatedAt").ValueKind);
    }
}
