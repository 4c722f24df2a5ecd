using System.Net;

namespace GameBackend.Api.Tests.Admin;

[Collection(ApiCollection.Name)]
public sealed class AdminEndpointsTests(SharedApiFactory factory)
{
    public static TheoryData<string, string, string?> AdminRoutes() => new()
    {
        { "GET", "/v1/admin/players/0123456789abcdef0123456789abcdef", null },
        { "POST", "/v1/admin/players/0123456789abcdef0123456789abcdef/disable", null },
        { "POST", "/v1/admin/players/0123456789abcdef0123456789abcdef/enable", null },
        { "PUT", "/v1/admin/players/0123456789abcdef0123456789abcdef/ban", """{"until":"2999-01-01T00:00:00Z"}""" },
        { "DELETE", "/v1/admin/players/0123456789abcdef0123456789abcdef/ban", null },
        { "POST", "/v1/admin/players/0123456789abcdef0123456789abcdef/link/custom", """{"customId":"studio-1"}""" },
        { "POST", "/v1/admin/keys/server/rotate", null },
        { "POST", "/v1/admin/keys/signing/rotate", null },
        { "GET", "/v1/admin/title/settings", null },
        { "PUT", "/v1/admin/title/settings", """{"uniqueDisplayNames":true,"accessTokenLifetimeSeconds":900,"refreshTokenLifetimeSeconds":2592000,"requestsPerSecond":0,"requestsPerSecondPerClient":0}""" },
        { "POST", "/v1/auth/custom", """{"customId":"studio-1"}""" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Admin_routes_refuse_missing_wrong_and_client_keys(string method, string url, string? body)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SendAsync(new HttpMethod(method), url, body).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(new HttpMethod(method), url, body, serverKey: title.ClientKey).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(new HttpMethod(method), url, body, serverKey: title.ServerKey + "x").AssertProblemAsync(401, "invalid_server_key");

        // Even a valid player token is not a server key.
        var session = await client.SignInDeviceAsync(title);
        await client.SendAsync(new HttpMethod(method), url, body, accessToken: session.AccessToken).AssertProblemAsync(401, "invalid_server_key");

        // Nothing changed: the settings are the defaults.
        using var settings = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey);
        Assert.False((await settings.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("uniqueDisplayNames").GetBoolean());
    }

    [Fact]
    public async Task Get_player_shows_identities_and_enforcement_state()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var session = await client.SignInDeviceAsync(title, deviceId);

        using var response = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{session.PlayerId}", serverKey: title.ServerKey);
        var player = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(session.PlayerId, player.GetProperty("playerId").GetString());
        Assert.False(player.GetProperty("disabled").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, player.GetProperty("bannedUntil").ValueKind);
        Assert.Equal(deviceId, Assert.Single(player.GetProperty("identities").EnumerateArray()).GetProperty("subject").GetString());

        await client.SendAsync(HttpMethod.Get, "/v1/admin/players/0123456789abcdef0123456789abcdef", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "player_not_found");
    }

    [Fact]
    public async Task Link_custom_id_lets_the_studio_sign_the_player_in()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        var customId = "studio-" + Guid.NewGuid().ToString("N");

        using (var linked = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/link/custom", $$"""{"customId":"{{customId}}"}""", serverKey: title.ServerKey))
        {
            var player = await linked.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Contains(player.GetProperty("identities").EnumerateArray(), i => i.GetProperty("method").GetString() == "custom" && i.GetProperty("subject").GetString() == customId);
        }

        using var signIn = await client.SendAsync(HttpMethod.Post, "/v1/auth/custom", $$"""{"customId":"{{customId}}","create":false}""", serverKey: title.ServerKey);
        Assert.Equal(session.PlayerId, ApiClient.SessionOf(await signIn.ReadJsonAsync(HttpStatusCode.OK)).PlayerId);
    }

    [Fact]
    public async Task Rotating_the_server_key_retires_the_old_one()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        using var rotated = await client.SendAsync(HttpMethod.Post, "/v1/admin/keys/server/rotate", serverKey: title.ServerKey);
        var newKey = (await rotated.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("serverKey").GetString()!;
        Assert.NotEqual(title.ServerKey, newKey);
        Assert.True(rotated.Headers.CacheControl?.NoStore);

        await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey).AssertProblemAsync(401, "invalid_server_key");
        using var ok = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: newKey);
        await ok.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Rotating_the_signing_key_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var before = await client.SignInDeviceAsync(title);

        using var rotated = await client.SendAsync(HttpMethod.Post, "/v1/admin/keys/signing/rotate", serverKey: title.ServerKey);
        var keyId = (await rotated.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("keyId").GetString()!;

        using (var old = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: before.AccessToken))
        {
            await old.ReadJsonAsync(HttpStatusCode.OK);
        }

        var after = await client.SignInDeviceAsync(title);
        var header = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(after.AccessToken.Split('.')[0])));
        Assert.Contains(keyId, header, StringComparison.Ordinal);
        using var fresh = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: after.AccessToken);
        await fresh.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Settings_round_trip()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        using (var read = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey))
        {
            var settings = await read.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(900, settings.GetProperty("accessTokenLifetimeSeconds").GetInt32());
            Assert.Equal(
                ["uniqueDisplayNames", "accessTokenLifetimeSeconds", "refreshTokenLifetimeSeconds", "requestsPerSecond", "requestsPerSecondPerClient", "maxFriends"],
                settings.EnumerateObject().Select(p => p.Name).ToArray());
        }

        const string updated = """{"uniqueDisplayNames":true,"accessTokenLifetimeSeconds":600,"refreshTokenLifetimeSeconds":86400,"requestsPerSecond":5000,"requestsPerSecondPerClient":50,"maxFriends":250}""";
        using (var put = await client.SendAsync(HttpMethod.Put, "/v1/admin/title/settings", updated, serverKey: title.ServerKey))
        {
            Assert.Equal(updated, (await put.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());
        }

        using var again = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey);
        Assert.Equal(updated, (await again.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());

        // New tokens use the new lifetime.
        using var signIn = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: title.ClientKey);
        var body = await signIn.ReadJsonAsync(HttpStatusCode.OK);
        var lifetime = body.GetProperty("accessTokenExpiresAt").GetDateTimeOffset() - factory.Time.GetUtcNow();
        Assert.InRange(lifetime.TotalSeconds, 590, 601);
    }

    private static string Pad(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
