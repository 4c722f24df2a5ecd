using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GameBackend.Api.Tests.PlayerData;

[Collection(ApiCollection.Name)]
public sealed class PlayerStorageEndpointsTests(SharedApiFactory factory)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, EntityTagHeaderValue? ETag)> PutAsync(
        HttpClient client, string url, string json, string? accessToken = null, string? serverKey = null, string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = ApiClient.Request(HttpMethod.Put, url, json, accessToken, serverKey: serverKey);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone(), response.Headers.ETag);
    }

    private static async Task AssertAbsentAsync(HttpClient client, Session owner, string collection, string key) =>
        await client.SendAsync(HttpMethod.Get, $"/v1/storage/{collection}/{key}", accessToken: owner.AccessToken)
            .AssertProblemAsync(404, "storage_object_not_found");

    [Fact]
    public async Task Put_get_list_and_delete_own_objects()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);

        var (status, body, etag) = await PutAsync(client, "/v1/storage/saves/slot-1", """{"value":{"level":3,"hp":[1,2]}}""", player.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(etag);
        Assert.False(etag!.IsWeak);
        Assert.Equal(etag.Tag.Trim('"'), body.GetProperty("version").GetString());
        Assert.Equal(player.PlayerId, body.GetProperty("playerId").GetString());
        Assert.Equal("saves", body.GetProperty("collection").GetString());
        Assert.Equal("slot-1", body.GetProperty("key").GetString());
        Assert.Equal("owner", body.GetProperty("readPermission").GetString());
        Assert.Equal("owner", body.GetProperty("writePermission").GetString());
        Assert.Equal(3, body.GetProperty("value").GetProperty("level").GetInt32());

        using (var read = await client.SendAsync(HttpMethod.Get, "/v1/storage/saves/slot-1", accessToken: player.AccessToken))
        {
            var got = await read.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(etag.Tag, read.Headers.ETag!.Tag);
            Assert.Equal(body.GetRawText(), got.GetRawText());
        }

        await PutAsync(client, "/v1/storage/saves/slot-2", """{"value":{}}""", player.AccessToken);
        await PutAsync(client, "/v1/storage/settings/audio", """{"value":{"volume":5}}""", player.AccessToken);
        using (var list = await client.SendAsync(HttpMethod.Get, "/v1/storage/saves", accessToken: player.AccessToken))
        {
            var page = await list.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(["slot-1", "slot-2"], page.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("key").GetString()));
            Assert.Equal(JsonValueKind.Null, page.GetProperty("cursor").ValueKind);
        }

        using (var deleted = await client.SendAsync(HttpMethod.Delete, "/v1/storage/saves/slot-1", accessToken: player.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await AssertAbsentAsync(client, player, "saves", "slot-1");
        await client.SendAsync(HttpMethod.Delete, "/v1/storage/saves/slot-1", accessToken: player.AccessToken).AssertProblemAsync(404, "storage_object_not_found");
    }

    [Fact]
    public async Task Listing_pages_with_limit_and_cursor_and_refuses_bad_ones()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        foreach (var key in new[] { "a", "b", "c" })
        {
            await PutAsync(client, $"/v1/storage/saves/{key}", """{"value":{}}""", player.AccessToken);
        }

        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var url = "/v1/storage/saves?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await client.SendAsync(HttpMethod.Get, url, accessToken: player.AccessToken);
            var page = await response.ReadJsonAsync(HttpStatusCode.OK);
            keys.AddRange(page.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("key").GetString()!));
            cursor = page.GetProperty("cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["a", "b", "c"], keys);
        await client.SendAsync(HttpMethod.Get, "/v1/storage/saves?cursor=not-a-cursor", accessToken: player.AccessToken).AssertProblemAsync(400, "invalid_continuation_token");
        await client.SendAsync(HttpMethod.Get, "/v1/storage/saves?limit=0", accessToken: player.AccessToken).AssertProblemAsync(400, "invalid_storage_page_limit");
        await client.SendAsync(HttpMethod.Get, "/v1/storage/saves?limit=abc", accessToken: player.AccessToken).AssertProblemAsync(400, "invalid_storage_page_limit");
        await client.SendAsync(HttpMethod.Get, "/v1/storage/saves?limit=101", accessToken: player.AccessToken).AssertProblemAsync(400, "invalid_storage_page_limit");
    }

    [Fact]
    public async Task Conditional_writes_use_if_match_and_if_none_match()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        const string url = "/v1/storage/saves/slot";

        var created = await PutAsync(client, url, """{"value":{"n":1}}""", player.AccessToken, ifNoneMatch: "*");
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var again = await PutAsync(client, url, """{"value":{"n":2}}""", player.AccessToken, ifNoneMatch: "*");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("version_conflict", again.Body.GetProperty("code").GetString());
        Assert.Equal(created.ETag!.Tag.Trim('"'), again.Body.GetProperty("currentVersion").GetString());

        var replaced = await PutAsync(client, url, """{"value":{"n":3}}""", player.AccessToken, ifMatch: created.ETag.Tag);
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        var stale = await PutAsync(client, url, """{"value":{"n":4}}""", player.AccessToken, ifMatch: created.ETag.Tag);
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("version_conflict", stale.Body.GetProperty("code").GetString());
        Assert.Equal(replaced.ETag!.Tag.Trim('"'), stale.Body.GetProperty("currentVersion").GetString());

        var notStar = await PutAsync(client, url, """{"value":{"n":5}}""", player.AccessToken, ifNoneMatch: "\"1\"");
        Assert.Equal("invalid_if_none_match", notStar.Body.GetProperty("code").GetString());
        var both = await PutAsync(client, url, """{"value":{"n":5}}""", player.AccessToken, ifMatch: replaced.ETag.Tag, ifNoneMatch: "*");
        Assert.Equal("invalid_if_none_match", both.Body.GetProperty("code").GetString());
        var weak = await PutAsync(client, url, """{"value":{"n":5}}""", player.AccessToken, ifMatch: "W/\"1\"");
        Assert.Equal("invalid_if_match", weak.Body.GetProperty("code").GetString());

        using (var staleDelete = ApiClient.Request(HttpMethod.Delete, url, accessToken: player.AccessToken))
        {
            staleDelete.Headers.IfMatch.Add(created.ETag);
            var problem = await client.SendAsync(staleDelete).AssertProblemAsync(409, "version_conflict");
            Assert.Equal(replaced.ETag.Tag.Trim('"'), problem.GetProperty("currentVersion").GetString());
        }

        using (var read = await client.SendAsync(HttpMethod.Get, url, accessToken: player.AccessToken))
        {
            Assert.Equal(3, (await read.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("value").GetProperty("n").GetInt32());
        }

        using var goodDelete = ApiClient.Request(HttpMethod.Delete, url, accessToken: player.AccessToken);
        goodDelete.Headers.IfMatch.Add(replaced.ETag);
        using var deleted = await client.SendAsync(goodDelete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Theory]
    [InlineData("""{"value":[1,2]}""", "invalid_storage_value")]
    [InlineData("""{"value":"text"}""", "invalid_storage_value")]
    [InlineData("""{"value":null}""", "invalid_storage_value")]
    [InlineData("""{"value":{},"readPermission":"friends"}""", "invalid_storage_permission")]
    [InlineData("""{"value":{},"writePermission":"anyone"}""", "invalid_storage_permission")]
    [InlineData("""{"value":{},"extra":1}""", "unknown_field")]
    [InlineData("""{"readPermission":"public"}""", "missing_field")]
    public async Task Bad_bodies_are_400_and_write_nothing(string json, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);

        var result = await PutAsync(client, "/v1/storage/saves/slot", json, player.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal(code, result.Body.GetProperty("code").GetString());
        await AssertAbsentAsync(client, player, "saves", "slot");
    }

    [Fact]
    public async Task Oversized_values_are_400_and_write_nothing()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);

        var big = $$$"""{"value":{"blob":"{{{new string('x', 17 * 1024)}}}"}}""";
        var result = await PutAsync(client, "/v1/storage/saves/big", big, player.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("invalid_storage_value", result.Body.GetProperty("code").GetString());
        await AssertAbsentAsync(client, player, "saves", "big");
    }

    [Theory]
    [InlineData("/v1/storage/bad%20name/key")]
    [InlineData("/v1/storage/saves/k%2Fslash")]
    [InlineData("/v1/storage/saves/x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Bad_names_are_400(string url)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);

        var result = await PutAsync(client, url, """{"value":{}}""", player.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("invalid_storage_name", result.Body.GetProperty("code").GetString());
        await client.SendAsync(HttpMethod.Get, url, accessToken: player.AccessToken).AssertProblemAsync(400, "invalid_storage_name");
        using var list = await client.SendAsync(HttpMethod.Get, "/v1/storage/saves", accessToken: player.AccessToken);
        Assert.Empty((await list.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("objects").EnumerateArray());
    }

    [Fact]
    public async Task Other_players_see_only_public_objects_and_cannot_write()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var owner = await client.SignInDeviceAsync(title);
        var other = await client.SignInDeviceAsync(title);
        await PutAsync(client, "/v1/storage/showcase/public", """{"value":{"trophy":1},"readPermission":"public"}""", owner.AccessToken);
        await PutAsync(client, "/v1/storage/showcase/private", """{"value":{"secret":1}}""", owner.AccessToken);

        using (var read = await client.SendAsync(HttpMethod.Get, $"/v1/players/{owner.PlayerId}/storage/showcase/public", accessToken: other.AccessToken))
        {
            var body = await read.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("public", body.GetProperty("readPermission").GetString());
            Assert.NotNull(read.Headers.ETag);
        }

        var hidden = await client.SendAsync(HttpMethod.Get, $"/v1/players/{owner.PlayerId}/storage/showcase/private", accessToken: other.AccessToken)
            .AssertProblemAsync(404, "storage_object_not_found");
        var missing = await client.SendAsync(HttpMethod.Get, $"/v1/players/{owner.PlayerId}/storage/showcase/nothing", accessToken: other.AccessToken)
            .AssertProblemAsync(404, "storage_object_not_found");
        Assert.Equal(missing.GetProperty("detail").GetString(), hidden.GetProperty("detail").GetString());

        using (var list = await client.SendAsync(HttpMethod.Get, $"/v1/players/{owner.PlayerId}/storage/showcase", accessToken: other.AccessToken))
        {
            var page = await list.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(["public"], page.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("key").GetString()));
        }

        // No route writes another player's storage: the owner-only object stays as it was.
        using (var put = await client.SendAsync(HttpMethod.Put, $"/v1/players/{owner.PlayerId}/storage/showcase/private", """{"value":{"secret":2}}""", other.AccessToken))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        }

        using (var delete = await client.SendAsync(HttpMethod.Delete, $"/v1/players/{owner.PlayerId}/storage/showcase/private", accessToken: other.AccessToken))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        }

        using var own = await client.SendAsync(HttpMethod.Get, "/v1/storage/showcase/private", accessToken: owner.AccessToken);
        Assert.Equal(1, (await own.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("value").GetProperty("secret").GetInt32());
    }

    [Fact]
    public async Task Another_titles_player_ids_are_not_found()
    {
        var title = await factory.CreateTitleAsync();
        var otherTitle = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reader = await client.SignInDeviceAsync(title);
        var foreign = await client.SignInDeviceAsync(otherTitle);
        await PutAsync(client, "/v1/storage/showcase/public", """{"value":{"n":1},"readPermission":"public"}""", foreign.AccessToken);

        await client.SendAsync(HttpMethod.Get, $"/v1/players/{foreign.PlayerId}/storage/showcase/public", accessToken: reader.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/players/{foreign.PlayerId}/storage/showcase", accessToken: reader.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{foreign.PlayerId}/storage/showcase/public", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
        var put = await PutAsync(client, $"/v1/admin/players/{foreign.PlayerId}/storage/showcase/public", """{"value":{"n":2}}""", serverKey: title.ServerKey);
        Assert.Equal(HttpStatusCode.NotFound, put.Status);
        Assert.Equal("player_not_found", put.Body.GetProperty("code").GetString());
        await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{foreign.PlayerId}/storage/showcase/public", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");

        using var own = await client.SendAsync(HttpMethod.Get, "/v1/storage/showcase/public", accessToken: foreign.AccessToken);
        Assert.Equal(1, (await own.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("value").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Server_only_objects_are_written_by_the_server_key_and_refused_to_players()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        var adminUrl = $"/v1/admin/players/{player.PlayerId}/storage/wallet/coins";

        var asked = await PutAsync(client, "/v1/storage/wallet/coins", """{"value":{"coins":1},"writePermission":"server"}""", player.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, asked.Status);
        Assert.Equal("storage_write_forbidden", asked.Body.GetProperty("code").GetString());
        await AssertAbsentAsync(client, player, "wallet", "coins");

        var server = await PutAsync(client, adminUrl, """{"value":{"coins":100},"writePermission":"server"}""", serverKey: title.ServerKey);
        Assert.Equal(HttpStatusCode.OK, server.Status);
        Assert.Equal("server", server.Body.GetProperty("writePermission").GetString());

        var forged = await PutAsync(client, "/v1/storage/wallet/coins", """{"value":{"coins":999999},"writePermission":"owner"}""", player.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal("storage_write_forbidden", forged.Body.GetProperty("code").GetString());
        await client.SendAsync(HttpMethod.Delete, "/v1/storage/wallet/coins", accessToken: player.AccessToken).AssertProblemAsync(403, "storage_write_forbidden");

        using (var read = await client.SendAsync(HttpMethod.Get, "/v1/storage/wallet/coins", accessToken: player.AccessToken))
        {
            var body = await read.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(100, body.GetProperty("value").GetProperty("coins").GetInt32());
            Assert.Equal(server.ETag!.Tag, read.Headers.ETag!.Tag);
        }

        using (var adminRead = await client.SendAsync(HttpMethod.Get, adminUrl, serverKey: title.ServerKey))
        {
            Assert.Equal(100, (await adminRead.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("value").GetProperty("coins").GetInt32());
        }

        var stale = await PutAsync(client, adminUrl, """{"value":{"coins":5}}""", serverKey: title.ServerKey, ifMatch: "\"stale\"");
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal(server.ETag!.Tag.Trim('"'), stale.Body.GetProperty("currentVersion").GetString());

        using (var deleted = await client.SendAsync(HttpMethod.Delete, adminUrl, serverKey: title.ServerKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await AssertAbsentAsync(client, player, "wallet", "coins");
        await client.SendAsync(HttpMethod.Get, adminUrl, serverKey: "wrong-key").AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(HttpMethod.Get, adminUrl, accessToken: player.AccessToken).AssertProblemAsync(401, "invalid_server_key");
    }

    [Fact]
    public async Task Routes_need_a_bearer_token()
    {
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Get, "/v1/storage/saves").AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Get, "/v1/storage/saves/k").AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Put, "/v1/storage/saves/k", """{"value":{}}""").AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Delete, "/v1/storage/saves/k").AssertProblemAsync(401, "invalid_token");
        await client.SendAsync(HttpMethod.Get, "/v1/players/0123456789abcdef0123456789abcdef/storage/saves").AssertProblemAsync(401, "invalid_token");
    }

    [Fact]
    public async Task The_quota_is_a_409_and_delete_frees_it()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        var nearlyFull = new string('x', 16 * 1024 - """{"p":""}""".Length); // 64 objects of exactly 16 KiB fill 1 MiB
        for (var i = 0; i < 64; i++)
        {
            var filled = await PutAsync(client, $"/v1/storage/saves/s{i}", $$$"""{"value":{"p":"{{{nearlyFull}}}"}}""", player.AccessToken);
            Assert.Equal(HttpStatusCode.OK, filled.Status);
        }

        var over = await PutAsync(client, "/v1/storage/saves/one-more", """{"value":{}}""", player.AccessToken);
        Assert.Equal(HttpStatusCode.Conflict, over.Status);
        Assert.Equal("storage_quota_exceeded", over.Body.GetProperty("code").GetString());
        await AssertAbsentAsync(client, player, "saves", "one-more");

        using (var deleted = await client.SendAsync(HttpMethod.Delete, "/v1/storage/saves/s0", accessToken: player.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var fits = await PutAsync(client, "/v1/storage/saves/one-more", """{"value":{"p":"x"}}""", player.AccessToken);
        Assert.Equal(HttpStatusCode.OK, fits.Status);
    }
}
