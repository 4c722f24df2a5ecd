using System.Net;

namespace GameBackend.Api.Tests.Accounts;

[Collection(ApiCollection.Name)]
public sealed class AuthEndpointsTests(SharedApiFactory factory)
{
    [Fact]
    public async Task Device_sign_in_creates_once_then_signs_in_the_same_player()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();

        using var first = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}"}""", clientKey: title.ClientKey);
        var firstBody = await first.ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(firstBody.GetProperty("created").GetBoolean());
        Assert.True(firstBody.GetProperty("accessTokenExpiresAt").GetDateTimeOffset() > factory.Time.GetUtcNow());
        Assert.True(firstBody.GetProperty("refreshTokenExpiresAt").GetDateTimeOffset() > firstBody.GetProperty("accessTokenExpiresAt").GetDateTimeOffset());

        using var second = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}","create":false}""", clientKey: title.ClientKey);
        var secondBody = await second.ReadJsonAsync(HttpStatusCode.OK);
        Assert.False(secondBody.GetProperty("created").GetBoolean());
        Assert.Equal(firstBody.GetProperty("playerId").GetString(), secondBody.GetProperty("playerId").GetString());
    }

    [Fact]
    public async Task Device_sign_in_without_create_for_an_unknown_device_is_404()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}","create":false}""", clientKey: title.ClientKey)
            .AssertProblemAsync(404, "account_not_found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("gbc_nothing")]
    [InlineData("gbc_0123456789abcdef0123456789abcdef_forged")]
    public async Task Sign_in_routes_refuse_a_missing_or_wrong_client_key(string? clientKey)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}"}""", clientKey: clientKey).AssertProblemAsync(401, "invalid_client_key");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/email/signup", """{"email":"x@example.com","password":"correct horse battery"}""", clientKey: clientKey).AssertProblemAsync(401, "invalid_client_key");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/email", """{"email":"x@example.com","password":"correct horse battery"}""", clientKey: clientKey).AssertProblemAsync(401, "invalid_client_key");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", """{"refreshToken":"x"}""", clientKey: clientKey).AssertProblemAsync(401, "invalid_client_key");

        // Nothing was created under the real title either.
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}","create":false}""", clientKey: title.ClientKey)
            .AssertProblemAsync(404, "account_not_found");
    }

    [Fact]
    public async Task A_client_key_is_not_a_server_key()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Post, "/v1/auth/custom", """{"customId":"studio-1"}""", serverKey: title.ClientKey).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/custom", """{"customId":"studio-1"}""", clientKey: title.ClientKey).AssertProblemAsync(401, "invalid_server_key");
    }

    [Fact]
    public async Task Email_sign_up_then_sign_in()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var email = $"player-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery staple";

        using var signUp = await client.SendAsync(HttpMethod.Post, "/v1/auth/email/signup", $$"""{"email":"{{email}}","password":"{{password}}"}""", clientKey: title.ClientKey);
        var created = ApiClient.SessionOf(await signUp.ReadJsonAsync(HttpStatusCode.OK));
        Assert.True(created.Created);

        using var signIn = await client.SendAsync(HttpMethod.Post, "/v1/auth/email", $$"""{"email":"{{email}}","password":"{{password}}"}""", clientKey: title.ClientKey);
        var signedIn = ApiClient.SessionOf(await signIn.ReadJsonAsync(HttpStatusCode.OK));
        Assert.False(signedIn.Created);
        Assert.Equal(created.PlayerId, signedIn.PlayerId);

        await client.SendAsync(HttpMethod.Post, "/v1/auth/email/signup", $$"""{"email":"{{email}}","password":"{{password}}"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(409, "email_taken");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/email", $$"""{"email":"{{email}}","password":"wrong password here"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(401, "invalid_credentials");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/email/signup", """{"email":"short@example.com","password":"short"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(400, "password_too_short");
    }

    [Fact]
    public async Task Custom_sign_in_with_the_server_key()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var customId = "studio-" + Guid.NewGuid().ToString("N");

        using var first = await client.SendAsync(HttpMethod.Post, "/v1/auth/custom", $$"""{"customId":"{{customId}}"}""", serverKey: title.ServerKey);
        var created = ApiClient.SessionOf(await first.ReadJsonAsync(HttpStatusCode.OK));
        Assert.True(created.Created);

        using var second = await client.SendAsync(HttpMethod.Post, "/v1/auth/custom", $$"""{"customId":"{{customId}}","create":false}""", serverKey: title.ServerKey);
        Assert.Equal(created.PlayerId, ApiClient.SessionOf(await second.ReadJsonAsync(HttpStatusCode.OK)).PlayerId);

        // The token works like any other.
        using var profile = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: created.AccessToken);
        await profile.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_rotates_and_reuse_revokes_the_family()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);

        using var refreshed = await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey);
        var tokens = await refreshed.ReadJsonAsync(HttpStatusCode.OK);
        var newRefresh = tokens.GetProperty("refreshToken").GetString()!;
        var newAccess = tokens.GetProperty("accessToken").GetString()!;
        Assert.NotEqual(session.RefreshToken, newRefresh);
        Assert.Equal(["accessToken", "accessTokenExpiresAt", "refreshToken", "refreshTokenExpiresAt"], tokens.EnumerateObject().Select(p => p.Name).ToArray());

        using (var ok = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: newAccess))
        {
            await ok.ReadJsonAsync(HttpStatusCode.OK);
        }

        // The spent token again: reuse. The whole family is revoked, the new tokens included.
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(401, "refresh_token_reused");
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{newRefresh}}"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(401, "invalid_refresh_token");
        await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: newAccess).AssertProblemAsync(401, "session_revoked");
    }

    [Fact]
    public async Task Refresh_token_of_another_title_is_refused()
    {
        var title = await factory.CreateTitleAsync();
        var other = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: other.ClientKey)
            .AssertProblemAsync(401, "invalid_refresh_token");

        // And it still works in its own title: the failed attempt did not spend it.
        using var ok = await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey);
        await ok.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_then_refresh_and_access_fail()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        var other = await client.SignInDeviceAsync(title);

        using (var signOut = await client.SendAsync(HttpMethod.Post, "/v1/auth/signout", accessToken: session.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(401, "invalid_refresh_token");
        await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken).AssertProblemAsync(401, "session_revoked");

        // Another player's session is untouched.
        using var ok = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: other.AccessToken);
        await ok.ReadJsonAsync(HttpStatusCode.OK);
    }
}
