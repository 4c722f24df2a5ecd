using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace GameBackend.Api.Tests.Accounts;

/// <summary>Every bearer-protected route refuses a token that is missing, forged, expired, unsigned or re-titled.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTokenTests(SharedApiFactory factory)
{
    /// <summary>Every bearer-protected route, with a body that would be valid.</summary>
    public static TheoryData<string, string, string?> BearerRoutes() => new()
    {
        { "POST", "/v1/auth/signout", null },
        { "GET", "/v1/account", null },
        { "POST", "/v1/account/link/device", """{"deviceId":"device-linked-00001"}""" },
        { "POST", "/v1/account/link/email", """{"email":"linked@example.com","password":"correct horse battery"}""" },
        { "POST", "/v1/account/unlink", """{"method":"device","subject":"device-linked-00001"}""" },
        { "GET", "/v1/profile", null },
        { "PATCH", "/v1/profile", """{"displayName":"Mallory"}""" },
        { "GET", "/v1/players/0123456789abcdef0123456789abcdef/profile", null },
    };

    [Theory]
    [MemberData(nameof(BearerRoutes))]
    public async Task Missing_token_is_401_with_a_bearer_challenge(string method, string url, string? body)
    {
        using var client = factory.CreateClient();
        using var response = await client.SendAsync(new HttpMethod(method), url, body);
        await response.AssertProblemAsync(401, "invalid_token");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [MemberData(nameof(BearerRoutes))]
    public async Task Forged_unsigned_and_retitled_tokens_are_401_and_change_nothing(string method, string url, string? body)
    {
        var title = await factory.CreateTitleAsync();
        var other = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var victim = await client.SignInDeviceAsync(title);
        var attacker = await client.SignInDeviceAsync(other);
        var before = await SnapshotAsync(client, victim);

        string[] tokens =
        [
            "not-a-jwt",
            "a.b.c",
            Forge(victim.AccessToken, signature: "AAAA" + victim.AccessToken.Split('.')[2][4..].Replace('A', 'B')),
            Forge(victim.AccessToken, header: h => h["alg"] = "none", signature: ""),
            Forge(victim.AccessToken, header: h => h["alg"] = "none", signature: "x"),
            Forge(victim.AccessToken, header: h => h["alg"] = "HS512"),
            Forge(victim.AccessToken, payload: p => p["sub"] = attacker.PlayerId),
            Forge(victim.AccessToken, payload: p => p["exp"] = p["exp"]!.GetValue<long>() + 86_400),
            // A real token of another title, re-addressed to this title: its signature no longer matches.
            Retitle(attacker.AccessToken, other.Id, title.Id),
        ];

        foreach (var token in tokens)
        {
            using var response = await client.SendAsync(new HttpMethod(method), url, body, accessToken: token);
            await response.AssertProblemAsync(401, "invalid_token");
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        Assert.Equal(before, await SnapshotAsync(client, victim));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Token abc")]
    public async Task Other_authorization_schemes_are_401(string header)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/profile");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        await client.SendAsync(request).AssertProblemAsync(401, "invalid_token");
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        await using var timed = new ApiFactory();
        var title = await timed.CreateTitleAsync();
        using var client = timed.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        using (var ok = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken))
        {
            await ok.ReadJsonAsync(HttpStatusCode.OK);
        }

        timed.Time.Advance(TimeSpan.FromSeconds(900) + TimeSpan.FromMinutes(2));
        await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken).AssertProblemAsync(401, "invalid_token");

        // The refresh token outlives it and yields a working access token.
        using var refreshed = await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey);
        var access = (await refreshed.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString();
        using var again = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: access);
        await again.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Expired_refresh_token_is_401()
    {
        await using var timed = new ApiFactory();
        var title = await timed.CreateTitleAsync();
        using var client = timed.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        timed.Time.Advance(TimeSpan.FromDays(31));
        await client.SendAsync(HttpMethod.Post, "/v1/auth/refresh", $$"""{"refreshToken":"{{session.RefreshToken}}"}""", clientKey: title.ClientKey)
            .AssertProblemAsync(401, "invalid_refresh_token");
    }

    private static async Task<string> SnapshotAsync(HttpClient client, Session session)
    {
        using var account = await client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: session.AccessToken);
        using var profile = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        return await account.Content.ReadAsStringAsync() + await profile.Content.ReadAsStringAsync() + profile.Headers.ETag;
    }

    private static string Forge(string token, Action<JsonObject>? header = null, Action<JsonObject>? payload = null, string? signature = null)
    {
        var parts = token.Split('.');
        var h = JsonNode.Parse(Decode(parts[0]))!.AsObject();
        var p = JsonNode.Parse(Decode(parts[1]))!.AsObject();
        header?.Invoke(h);
        payload?.Invoke(p);
        return $"{Encode(h.ToJsonString())}.{Encode(p.ToJsonString())}.{signature ?? parts[2]}";
    }

    private static string Retitle(string token, string fromTitle, string toTitle)
    {
        var parts = token.Split('.');
        var header = Decode(parts[0]).Replace(fromTitle, toTitle, StringComparison.Ordinal);
        var payload = Decode(parts[1]).Replace(fromTitle, toTitle, StringComparison.Ordinal);
        return $"{Encode(header)}.{Encode(payload)}.{parts[2]}";
    }

    private static string Decode(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s));
    }

    private static string Encode(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
