using System.Net;

namespace GameBackend.Api.Tests.Privacy;

[Collection(ApiCollection.Name)]
public sealed class PrivacyEndpointsTests(SharedApiFactory factory)
{
    private const string Confirm = """{"confirm":"DELETE"}""";

    [Fact]
    public async Task A_player_exports_their_own_data_and_nothing_of_anyone_else()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var player = await client.SignInDeviceAsync(title, deviceId);
        var otherDevice = ApiClient.NewDeviceId();
        var other = await client.SignInDeviceAsync(title, otherDevice);
        await PatchProfileAsync(client, player, """{"displayName":"Export Me","locale":"de-DE"}""");
        await PatchProfileAsync(client, other, """{"displayName":"Someone Else"}""");
        await FileReportAsync(client, player, other.PlayerId, "my complaint");

        using var response = await client.SendAsync(HttpMethod.Get, "/v1/account/export", accessToken: player.AccessToken);
        var export = await response.ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(player.PlayerId, export.GetProperty("playerId").GetString());
        Assert.Equal(title.Id, export.GetProperty("titleId").GetString());
        var sections = export.GetProperty("sections");
        Assert.Contains(sections.GetProperty("account").GetProperty("identities").EnumerateArray(), i => i.GetProperty("subject").GetString() == deviceId);
        Assert.Equal("Export Me", sections.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal("my complaint", sections.GetProperty("reports").GetProperty("filed")[0].GetProperty("comment").GetString());
        var text = sections.GetRawText();
        Assert.DoesNotContain(otherDevice, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone Else", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_export_is_the_same_document_and_stays_inside_the_title()
    {
        var title = await factory.CreateTitleAsync();
        var otherTitle = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var player = await client.SignInDeviceAsync(title, deviceId);
        var foreigner = await client.SignInDeviceAsync(otherTitle);

        using var response = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}/export", serverKey: title.ServerKey);
        var export = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(deviceId, export.GetProperty("sections").GetProperty("account").GetProperty("identities")[0].GetProperty("subject").GetString());

        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{foreigner.PlayerId}/export", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, "/v1/admin/players/00000000000070008000000000000000/export", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{foreigner.PlayerId}", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        using var stillThere = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: foreigner.AccessToken);
        await stillThere.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null, 400, "invalid_json")]
    [InlineData("{}", 400, "missing_field")]
    [InlineData("""{"confirm":"delete"}""", 400, "deletion_not_confirmed")]
    [InlineData("""{"confirm":"yes"}""", 400, "deletion_not_confirmed")]
    [InlineData("""{"confirm":"DELETE","really":true}""", 400, "unknown_field")]
    public async Task Deleting_without_the_confirmation_is_refused_and_erases_nothing(string? body, int status, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);

        await client.SendAsync(HttpMethod.Delete, "/v1/account", body, player.AccessToken).AssertProblemAsync(status, code);

        using var account = await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: player.AccessToken);
        await account.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_deleting_their_account_every_token_fails_and_old_requests_recreate_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var player = await client.SignInDeviceAsync(title, deviceId);
        var friend = await client.SignInDeviceAsync(title);
        await PatchProfileAsync(client, player, """{"displayName":"Gone Soon"}""");

        using var deleted = await client.SendAsync(HttpMethod.Delete, "/v1/account", Confirm, player.AccessToken);
        var erasure = await deleted.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(player.PlayerId, erasure.GetProperty("playerId").GetString());
        Assert.False(erasure.GetProperty("alreadyErased").GetBoolean());

        await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: player.AccessToken).AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"Zombie"}""", player.AccessToken).AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Get, "/v1/account/export", accessToken: player.AccessToken).AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Delete, "/v1/account", Confirm, player.AccessToken).AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{player.RefreshToken}}"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(401, "invalid_refresh_token");

        // Another player, and the studio, find nobody.
        await client.SendAsync(HttpMethod.Get, $"/v1/players/{player.PlayerId}/profile", accessToken: friend.AccessToken).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}/export", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Put, $"/v1/admin/players/{player.PlayerId}/ban", """{"until":"2999-01-01T00:00:00Z"}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{player.PlayerId}/link/custom", """{"customId":"studio-zombie"}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, "/v1/reports", $$"""{"reportedPlayerId":"{{player.PlayerId}}","category":"spam"}""", friend.AccessToken)
            .AssertProblemAsync(404, "player_not_found");

        // The display name is free again, and the device id makes a brand-new player.
        await PatchProfileAsync(client, friend, """{"displayName":"Gone Soon"}""");
        var again = await client.SignInDeviceAsync(title, deviceId);
        Assert.True(again.Created);
        Assert.NotEqual(player.PlayerId, again.PlayerId);
        await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: player.AccessToken).AssertProblemAsync(401, "invalid_token");
    }

    [Fact]
    public async Task The_studio_deletes_a_player_and_deleting_again_is_harmless()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);

        using var first = await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{player.PlayerId}", serverKey: title.ServerKey);
        var erasure = await first.ReadJsonAsync(HttpStatusCode.OK);
        Assert.False(erasure.GetProperty("alreadyErased").GetBoolean());
        await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: player.AccessToken).AssertProblemAsync(401, "invalid_token");

        factory.Time.Advance(TimeSpan.FromSeconds(1));
        using var second = await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{player.PlayerId}", serverKey: title.ServerKey);
        var again = await second.ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(again.GetProperty("alreadyErased").GetBoolean());
        Assert.Equal(erasure.GetProperty("erasedAt").GetDateTimeOffset(), again.GetProperty("erasedAt").GetDateTimeOffset());

        await client.SendAsync(HttpMethod.Delete, "/v1/admin/players/00000000000070008000000000000000", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Delete, "/v1/admin/players/not-an-id", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
    }

    [Fact]
    public async Task Reports_about_a_deleted_player_are_kept_for_the_moderators()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var reported = await client.SignInDeviceAsync(title);
        await FileReportAsync(client, reporter, reported.PlayerId, "cheats");

        using var deleted = await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{reported.PlayerId}", serverKey: title.ServerKey);
        await deleted.ReadJsonAsync(HttpStatusCode.OK);

        using var about = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{reported.PlayerId}/reports", serverKey: title.ServerKey);
        var kept = Assert.Single((await about.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("resolved", kept.GetProperty("status").GetString());
        Assert.Equal(reporter.PlayerId, kept.GetProperty("reporterId").GetString());
        using var queue = await client.SendAsync(HttpMethod.Get, "/v1/admin/reports", serverKey: title.ServerKey);
        Assert.Empty((await queue.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Storage_and_progression_are_exported_then_erased_and_late_server_writes_recreate_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        var other = await client.SignInDeviceAsync(title);
        using (var put = await client.SendAsync(HttpMethod.Put, "/v1/storage/saves/slot1", """{"value":{"chapter":7}}""", player.AccessToken))
        {
            await put.ReadJsonAsync(HttpStatusCode.OK);
        }

        using (var put = await client.SendAsync(HttpMethod.Put, "/v1/storage/saves/slot1", """{"value":{"chapter":2}}""", other.AccessToken))
        {
            await put.ReadJsonAsync(HttpStatusCode.OK);
        }

        using (var grant = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{player.PlayerId}/progression/xp", """{"amount":300,"reason":"season reward"}""", serverKey: title.ServerKey))
        {
            await grant.ReadJsonAsync(HttpStatusCode.OK);
        }

        using var exported = await client.SendAsync(HttpMethod.Get, "/v1/account/export", accessToken: player.AccessToken);
        var sections = (await exported.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("sections");
        var saved = Assert.Single(sections.GetProperty("storage").GetProperty("objects").EnumerateArray());
        Assert.Equal(7, saved.GetProperty("value").GetProperty("chapter").GetInt32());
        Assert.Equal(300, sections.GetProperty("progression").GetProperty("xp").GetInt64());

        using var deleted = await client.SendAsync(HttpMethod.Delete, "/v1/account", Confirm, player.AccessToken);
        await deleted.ReadJsonAsync(HttpStatusCode.OK);

        await client.SendAsync(HttpMethod.Put, $"/v1/admin/players/{player.PlayerId}/storage/saves/slot1", """{"value":{"chapter":8}}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}/storage/saves/slot1", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{player.PlayerId}/progression/xp", """{"amount":5}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}/progression", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Put, "/v1/storage/saves/slot1", """{"value":{"chapter":9}}""", player.AccessToken).AssertProblemAsync(401, "invalid_token");
        using var othersSave = await client.SendAsync(HttpMethod.Get, "/v1/storage/saves/slot1", accessToken: other.AccessToken);
        Assert.Equal(2, (await othersSave.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("value").GetProperty("chapter").GetInt32());
    }

    [Fact]
    public async Task Friends_and_leaderboards_no_longer_show_a_deleted_player()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        var friend = await client.SignInDeviceAsync(title);
        var rival = await client.SignInDeviceAsync(title);
        await SendOkAsync(client, HttpMethod.Post, $"/v1/friends/{friend.PlayerId}/request", null, player.AccessToken);
        await SendOkAsync(client, HttpMethod.Post, $"/v1/friends/{player.PlayerId}/accept", null, friend.AccessToken);
        using (var created = await client.SendAsync(HttpMethod.Post, "/v1/admin/leaderboards", """{"id":"season","resetSchedule":"0 0 * * 1"}""", serverKey: title.ServerKey))
        {
            await created.ReadJsonAsync(HttpStatusCode.Created);
        }

        await SendOkAsync(client, HttpMethod.Post, "/v1/leaderboards/season/records", """{"score":900}""", player.AccessToken);
        await SendOkAsync(client, HttpMethod.Post, "/v1/leaderboards/season/records", """{"score":100}""", rival.AccessToken);

        using var exported = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}/export", serverKey: title.ServerKey);
        var sections = (await exported.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("sections");
        var relationship = Assert.Single(sections.GetProperty("friends").GetProperty("relationships").EnumerateArray());
        Assert.Equal(friend.PlayerId, relationship.GetProperty("playerId").GetString());
        Assert.Equal("friend", relationship.GetProperty("state").GetString());
        var record = Assert.Single(sections.GetProperty("leaderboards").GetProperty("records").EnumerateArray());
        Assert.Equal(900, record.GetProperty("score").GetDouble());

        using (var deleted = await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{player.PlayerId}", serverKey: title.ServerKey))
        {
            await deleted.ReadJsonAsync(HttpStatusCode.OK);
        }

        using var friends = await client.SendAsync(HttpMethod.Get, "/v1/friends?state=friend", accessToken: friend.AccessToken);
        Assert.Empty((await friends.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        using var top = await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/season/records", accessToken: rival.AccessToken);
        var ranked = Assert.Single((await top.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("records").EnumerateArray());
        Assert.Equal(rival.PlayerId, ranked.GetProperty("playerId").GetString());
        Assert.Equal(1, ranked.GetProperty("rank").GetInt64());

        // Late requests: a score submitted with the old token, a server submission, a friend request.
        await client.SendAsync(HttpMethod.Post, "/v1/leaderboards/season/records", """{"score":999}""", player.AccessToken).AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/leaderboards/season/records/{player.PlayerId}", """{"score":999}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/friends/{player.PlayerId}/request", accessToken: friend.AccessToken).AssertProblemAsync(404, "player_not_found");
        using var after = await client.SendAsync(HttpMethod.Get, "/v1/leaderboards/season/records", accessToken: rival.AccessToken);
        Assert.Single((await after.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("records").EnumerateArray());
    }

    [Theory]
    [InlineData("GET", "/v1/admin/players/00000000000070008000000000000000/export")]
    [InlineData("DELETE", "/v1/admin/players/00000000000070008000000000000000")]
    public async Task Admin_routes_need_the_server_key(string method, string url)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        await client.SendAsync(new HttpMethod(method), url).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(new HttpMethod(method), url, serverKey: title.ServerKey + "x").AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(new HttpMethod(method), url.Replace("00000000000070008000000000000000", player.PlayerId, StringComparison.Ordinal), accessToken: player.AccessToken)
            .AssertProblemAsync(401, "invalid_server_key");
    }

    [Fact]
    public async Task Player_routes_need_a_bearer_token()
    {
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Get, "/v1/account/export").AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Delete, "/v1/account", Confirm).AssertProblemAsync(401, "invalid_token");
    }

    [Fact]
    public async Task OpenApi_lists_the_privacy_routes()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var paths = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("paths");
        foreach (var (path, method) in new[]
        {
            ("/v1/account/export", "get"),
            ("/v1/account", "delete"),
            ("/v1/admin/players/{playerId}/export", "get"),
            ("/v1/admin/players/{playerId}", "delete"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal("Privacy", operation.GetProperty("tags")[0].GetString());
        }
    }

    private static async Task SendOkAsync(HttpClient client, HttpMethod method, string url, string? json, string accessToken)
    {
        using var response = await client.SendAsync(method, url, json, accessToken);
        await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static async Task PatchProfileAsync(HttpClient client, Session player, string json)
    {
        using var response = await client.SendAsync(HttpMethod.Patch, "/v1/profile", json, player.AccessToken);
        await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    private static async Task FileReportAsync(HttpClient client, Session reporter, string reportedPlayerId, string comment)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/v1/reports",
            $$"""{"reportedPlayerId":"{{reportedPlayerId}}","category":"cheating","comment":"{{comment}}"}""", reporter.AccessToken);
        await response.ReadJsonAsync(HttpStatusCode.Created);
    }
}
