using System.Net;

namespace GameBackend.Api.Tests.Profiles;

[Collection(ApiCollection.Name)]
public sealed class ProfileEndpointsTests(SharedApiFactory factory)
{
    [Fact]
    public async Task New_player_has_an_empty_profile_with_an_etag()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);

        using var response = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        var profile = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(session.PlayerId, profile.GetProperty("playerId").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, profile.GetProperty("displayName").ValueKind);
        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
    }

    [Fact]
    public async Task Patch_updates_the_given_members_and_returns_the_new_etag()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);

        using var first = await client.SendAsync(HttpMethod.Patch, "/v1/profile",
            """{"displayName":"Ada","avatarUrl":"https://cdn.example.com/ada.png","locale":"en-GB","metadata":{"favouriteMap":"harbour","level":3}}""", session.AccessToken);
        var profile = await first.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Ada", profile.GetProperty("displayName").GetString());
        Assert.Equal("harbour", profile.GetProperty("metadata").GetProperty("favouriteMap").GetString());
        var etag1 = first.Headers.ETag!.Tag;

        using var second = await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"locale":"fr-FR"}""", session.AccessToken);
        var updated = await second.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Ada", updated.GetProperty("displayName").GetString());
        Assert.Equal("fr-FR", updated.GetProperty("locale").GetString());
        Assert.NotEqual(etag1, second.Headers.ETag!.Tag);

        using var read = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        Assert.Equal(second.Headers.ETag!.Tag, read.Headers.ETag!.Tag);
        Assert.Equal(updated.GetRawText(), (await read.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());
    }

    [Fact]
    public async Task If_match_with_the_current_version_writes_and_a_stale_one_is_409()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        using var read = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        var stale = read.Headers.ETag!;

        using var request = ApiClient.Request(HttpMethod.Patch, "/v1/profile", """{"displayName":"First"}""", session.AccessToken);
        request.Headers.IfMatch.Add(stale);
        using var written = await client.SendAsync(request);
        await written.ReadJsonAsync(HttpStatusCode.OK);

        using var conflicting = ApiClient.Request(HttpMethod.Patch, "/v1/profile", """{"displayName":"Second"}""", session.AccessToken);
        conflicting.Headers.IfMatch.Add(stale);
        var problem = await client.SendAsync(conflicting).AssertProblemAsync(409, "version_conflict");
        Assert.Equal(written.Headers.ETag!.Tag.Trim('"'), problem.GetProperty("currentVersion").GetString());

        using var after = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken);
        Assert.Equal("First", (await after.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData("\"1\", \"2\"")]
    public async Task If_match_that_is_not_one_strong_tag_is_400(string ifMatch)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = await client.SignInDeviceAsync(title);
        using var request = ApiClient.Request(HttpMethod.Patch, "/v1/profile", """{"displayName":"Nope"}""", session.AccessToken);
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        await client.SendAsync(request).AssertProblemAsync(400, "invalid_if_match");
    }

    [Fact]
    public async Task Another_players_profile_is_readable_in_the_same_title()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reader = await client.SignInDeviceAsync(title);
        var other = await client.SignInDeviceAsync(title);
        using (var set = await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"Grace"}""", other.AccessToken))
        {
            await set.ReadJsonAsync(HttpStatusCode.OK);
        }

        using var response = await client.SendAsync(HttpMethod.Get, $"/v1/players/{other.PlayerId}/profile", accessToken: reader.AccessToken);
        var profile = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Grace", profile.GetProperty("displayName").GetString());
        Assert.NotNull(response.Headers.ETag);

        await client.SendAsync(HttpMethod.Get, "/v1/players/0123456789abcdef0123456789abcdef/profile", accessToken: reader.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Get, "/v1/players/not-an-id/profile", accessToken: reader.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
    }

    [Fact]
    public async Task Unique_display_names_are_enforced_when_the_title_asks()
    {
        var title = await factory.CreateTitleAsync(new Core.Tenancy.TitleSettings { UniqueDisplayNames = true });
        using var client = factory.CreateClient();
        var a = await client.SignInDeviceAsync(title);
        var b = await client.SignInDeviceAsync(title);
        using (var set = await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"Unique"}""", a.AccessToken))
        {
            await set.ReadJsonAsync(HttpStatusCode.OK);
        }

        await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"unique"}""", b.AccessToken).AssertProblemAsync(409, "display_name_taken");
    }
}
