using System.Net;

namespace GameBackend.Api.Tests.Accounts;

[Collection(ApiCollection.Name)]
public sealed class AccountEndpointsTests(SharedApiFactory factory)
{
    [Fact]
    public async Task Get_account_shows_the_callers_identities()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceId = ApiClient.NewDeviceId();
        var session = await client.SignInDeviceAsync(title, deviceId);

        using var response = await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: session.AccessToken);
        var account = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(session.PlayerId, account.GetProperty("playerId").GetString());
        Assert.True(account.TryGetProperty("createdAt", out _));
        var identity = Assert.Single(account.GetProperty("identities").EnumerateArray());
        Assert.Equal("device", identity.GetProperty("method").GetString());
        Assert.Equal(deviceId, identity.GetProperty("subject").GetString());
        Assert.True(identity.TryGetProperty("linkedAt", out _));
    }

    [Fact]
    public async Task Link_device_and_email_then_sign_in_with_each_then_unlink()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        var secondDevice = ApiClient.NewDeviceId();
        var email = $"link-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery staple";

        using (var linked = await client.SendAsync(HttpMethod.Post, "/v1/account/link/device", $$"""{"deviceId":"{{secondDevice}}"}""", session.AccessToken))
        {
            var account = await linked.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, account.GetProperty("identities").GetArrayLength());
        }

        using (var linked = await client.SendAsync(HttpMethod.Post, "/v1/account/link/email", $$"""{"email":"{{email}}","password":"{{password}}"}""", session.AccessToken))
        {
            var account = await linked.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Contains(account.GetProperty("identities").EnumerateArray(), i => i.GetProperty("method").GetString() == "email");
        }

        Assert.Equal(session.PlayerId, (await client.SignInDeviceAsync(title, secondDevice)).PlayerId);
        using (var byEmail = await client.SendAsync(HttpMethod.Post, "/v1/auth/email", $$"""{"email":"{{email}}","password":"{{password}}"}""", clientKey: title.ClientKey))
        {
            Assert.Equal(session.PlayerId, ApiClient.SessionOf(await byEmail.ReadJsonAsync(HttpStatusCode.OK)).PlayerId);
        }

        using (var unlinked = await client.SendAsync(HttpMethod.Post, "/v1/account/unlink", $$"""{"method":"device","subject":"{{secondDevice}}"}""", session.AccessToken))
        {
            var account = await unlinked.ReadJsonAsync(HttpStatusCode.OK);
            Assert.DoesNotContain(account.GetProperty("identities").EnumerateArray(), i => i.GetProperty("subject").GetString() == secondDevice);
        }

        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{secondDevice}}","create":false}""", clientKey: title.ClientKey)
            .AssertProblemAsync(404, "account_not_found");
        await client.SendAsync(HttpMethod.Post, "/v1/account/unlink", $$"""{"method":"device","subject":"{{secondDevice}}"}""", session.AccessToken)
            .AssertProblemAsync(404, "identity_not_found");
    }

    [Fact]
    public async Task Linking_an_identity_of_another_player_is_409_and_unlinking_the_last_is_409()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var deviceA = ApiClient.NewDeviceId();
        var a = await client.SignInDeviceAsync(title, deviceA);
        var b = await client.SignInDeviceAsync(title);

        await client.SendAsync(HttpMethod.Post, "/v1/account/link/device", $$"""{"deviceId":"{{deviceA}}"}""", b.AccessToken)
            .AssertProblemAsync(409, "identity_in_use");
        await client.SendAsync(HttpMethod.Post, "/v1/account/unlink", $$"""{"method":"device","subject":"{{deviceA}}"}""", a.AccessToken)
            .AssertProblemAsync(409, "last_identity");

        // Still A's, and A can still sign in with it.
        Assert.Equal(a.PlayerId, (await client.SignInDeviceAsync(title, deviceA)).PlayerId);
    }
}
