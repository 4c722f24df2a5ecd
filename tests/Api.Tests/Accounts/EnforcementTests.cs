using System.Net;

namespace GameBackend.Api.Tests.Accounts;

/// <summary>Disable and ban are checked on every request, not only at sign-in.</summary>
[Collection(ApiCollection.Name)]
public sealed class EnforcementTests(SharedApiFactory factory)
{
    private static readonly (string Method, string Url, string? Body)[] PlayerRoutes =
    [
        ("GET", "/v1/account", null),
        ("GET", "/v1/profile", null),
        ("PATCH", "/v1/profile", """{"displayName":"Banned"}"""),
        ("POST", "/v1/account/link/device", """{"deviceId":"device-enforce-00001"}"""),
        ("POST", "/v1/account/link/email", """{"email":"banned@example.com","password":"correct horse battery"}"""),
        ("POST", "/v1/account/unlink", """{"method":"device","subject":"device-enforce-00001"}"""),
        ("GET", "/v1/players/0123456789abcdef0123456789abcdef/profile", null),
        ("POST", "/v1/auth/signout", null),
    ];

    [Fact]
    public async Task Banned_player_is_refused_on_every_route_until_the_ban_is_lifted()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var session = await client.SignInDeviceAsync(title, deviceId);
        using (var profile = await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"Before"}""", session.AccessToken))
        {
            await profile.ReadJsonAsync(HttpStatusCode.OK);
        }

        var until = factory.Time.GetUtcNow().AddDays(1);
        using (var ban = await client.SendAsync(HttpMethod.Put, $"/v1/admin/players/{session.PlayerId}/ban", $$"""{"until":"{{until:O}}","reason":"cheating"}""", serverKey: title.ServerKey))
        {
            var player = await ban.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal("cheating", player.GetProperty("banReason").GetString());
            Assert.Equal(until.ToUnixTimeSeconds(), player.GetProperty("bannedUntil").GetDateTimeOffset().ToUnixTimeSeconds());
        }

        foreach (var (method, url, body) in PlayerRoutes)
        {
            var problem = await client.SendAsync(new HttpMethod(method), url, body, session.AccessToken).AssertProblemAsync(403, "account_banned");
            Assert.True(problem.TryGetProperty("until", out _), "the ban problem says until when");
        }

        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}"}""", clientKey: title.ClientKey).AssertProblemAsync(403, "account_banned");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey).AssertProblemAsync(403, "account_banned");

        using (var lift = await client.SendAsync(HttpMethod.Delete, $"/v1/admin/players/{session.PlayerId}/ban", serverKey: title.ServerKey))
        {
            var player = await lift.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, player.GetProperty("bannedUntil").ValueKind);
        }

        using var after = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        var profileAfter = await after.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Before", profileAfter.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_ban_ends_by_itself()
    {
        await using var timed = new ApiFactory();
        var title = await timed.CreateTitleAsync();
        using var client = timed.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var session = await client.SignInDeviceAsync(title, deviceId);
        var until = timed.Time.GetUtcNow().AddMinutes(5);
        using (var ban = await client.SendAsync(HttpMethod.Put, $"/v1/admin/players/{session.PlayerId}/ban", $$"""{"until":"{{until:O}}"}""", serverKey: title.ServerKey))
        {
            await ban.ReadJsonAsync(HttpStatusCode.OK);
        }

        await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken).AssertProblemAsync(403, "account_banned");
        timed.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(session.PlayerId, (await client.SignInDeviceAsync(title, deviceId)).PlayerId);
    }

    [Fact]
    public async Task Disabled_player_is_refused_on_every_route_and_at_sign_in_until_enabled()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var session = await client.SignInDeviceAsync(title, deviceId);

        using (var disable = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/disable", serverKey: title.ServerKey))
        {
            Assert.True((await disable.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("disabled").GetBoolean());
        }

        foreach (var (method, url, body) in PlayerRoutes)
        {
            using var response = await client.SendAsync(new HttpMethod(method), url, body, session.AccessToken);
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, $"{method} {url}: {(int)response.StatusCode}");
            var code = (await response.ReadJsonAsync(response.StatusCode)).GetProperty("code").GetString();
            Assert.Contains(code, new[] { "account_disabled", "session_revoked" });
        }

        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}"}""", clientKey: title.ClientKey).AssertProblemAsync(403, "account_disabled");

        using (var enable = await client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{session.PlayerId}/enable", serverKey: title.ServerKey))
        {
            Assert.False((await enable.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("disabled").GetBoolean());
        }

        var again = await client.SignInDeviceAsync(title, deviceId);
        Assert.Equal(session.PlayerId, again.PlayerId);
        using var ok = await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: again.AccessToken);
        await ok.ReadJsonAsync(HttpStatusCode.OK);
    }
}
