using System.Net;
using System.Text.Json;
using GameBackend.Core.Tenancy;

namespace GameBackend.Api.Tests.Social;

[Collection(ApiCollection.Name)]
public sealed class FriendEndpointsTests(SharedApiFactory factory)
{
    [Fact]
    public async Task Request_accept_and_remove_through_every_route()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var (ann, bob) = (await client.SignInDeviceAsync(title), await client.SignInDeviceAsync(title));

        using (var requested = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{bob.PlayerId}/request", accessToken: ann.AccessToken))
        {
            var edge = await requested.ReadJsonAsync(HttpStatusCode.OK);
            Assert.Equal(bob.PlayerId, edge.GetProperty("playerId").GetString());
            Assert.Equal("outgoing", edge.GetProperty("state").GetString());
            Assert.True(edge.TryGetProperty("since", out _));
        }

        Assert.Equal([bob.PlayerId], await ListAsync(client, ann, "outgoing"));
        Assert.Equal([ann.PlayerId], await ListAsync(client, bob, "incoming"));

        using (var accepted = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/accept", accessToken: bob.AccessToken))
        {
            Assert.Equal("friend", (await accepted.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
        }

        Assert.Equal([bob.PlayerId], await ListAsync(client, ann, "friend"));
        Assert.Equal([ann.PlayerId], await ListAsync(client, bob, null));
        Assert.Empty(await ListAsync(client, ann, "outgoing"));

        await AssertNoContentAsync(client, HttpMethod.Delete, $"/v1/friends/{bob.PlayerId}", ann);
        await AssertNoContentAsync(client, HttpMethod.Delete, $"/v1/friends/{bob.PlayerId}", ann);
        Assert.Empty(await ListAsync(client, ann, "friend"));
        Assert.Empty(await ListAsync(client, bob, "friend"));
    }

    [Fact]
    public async Task Decline_and_cancel_clear_the_request_on_both_sides()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var (ann, bob) = (await client.SignInDeviceAsync(title), await client.SignInDeviceAsync(title));

        (await client.SendAsync(HttpMethod.Post, $"/v1/friends/{bob.PlayerId}/request", accessToken: ann.AccessToken)).Dispose();
        await AssertNoContentAsync(client, HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/decline", bob);
        Assert.Empty(await ListAsync(client, ann, "outgoing"));
        Assert.Empty(await ListAsync(client, bob, "incoming"));

        (await client.SendAsync(HttpMethod.Post, $"/v1/friends/{bob.PlayerId}/request", accessToken: ann.AccessToken)).Dispose();
        await AssertNoContentAsync(client, HttpMethod.Delete, $"/v1/friends/{bob.PlayerId}/request", ann);
        Assert.Empty(await ListAsync(client, ann, "outgoing"));
        Assert.Empty(await ListAsync(client, bob, "incoming"));

        await client.SendAsync(HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/accept", accessToken: bob.AccessToken)
            .AssertProblemAsync(404, "friend_request_not_found");
    }

    [Fact]
    public async Task A_blocked_player_can_neither_request_nor_see_the_blocker()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var (ann, bob) = (await client.SignInDeviceAsync(title), await client.SignInDeviceAsync(title));
        (await client.SendAsync(HttpMethod.Post, $"/v1/friends/{bob.PlayerId}/request", accessToken: ann.AccessToken)).Dispose();
        (await client.SendAsync(HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/accept", accessToken: bob.AccessToken)).Dispose();

        using (var blocked = await client.SendAsync(HttpMethod.Put, $"/v1/friends/{bob.PlayerId}/block", accessToken: ann.AccessToken))
        {
            Assert.Equal("blocked", (await blocked.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
        }

        Assert.Equal([bob.PlayerId], await ListAsync(client, ann, "blocked"));
        Assert.Empty(await ListAsync(client, ann, "friend"));
        foreach (var state in new[] { "friend", "incoming", "outgoing", "blocked" })
        {
            Assert.Empty(await ListAsync(client, bob, state));
        }

        var refused = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/request", accessToken: bob.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
        var unknown = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{Guid.CreateVersion7():N}/request", accessToken: bob.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
        Assert.Equal(unknown.GetProperty("detail").GetString(), refused.GetProperty("detail").GetString());
        Assert.Empty(await ListAsync(client, bob, "outgoing"));

        await AssertNoContentAsync(client, HttpMethod.Delete, $"/v1/friends/{bob.PlayerId}/block", ann);
        Assert.Empty(await ListAsync(client, ann, "blocked"));
        Assert.Empty(await ListAsync(client, ann, "friend"));
        using var again = await client.SendAsync(HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/request", accessToken: bob.AccessToken);
        Assert.Equal("outgoing", (await again.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Unknown_other_title_and_malformed_players_are_404_and_self_is_400_and_nothing_is_written()
    {
        var title = await factory.CreateTitleAsync();
        var otherTitle = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var ann = await client.SignInDeviceAsync(title);
        var stranger = await client.SignInDeviceAsync(otherTitle);

        foreach (var other in new[] { stranger.PlayerId, Guid.CreateVersion7().ToString("N"), "not-a-player" })
        {
            await client.SendAsync(HttpMethod.Post, $"/v1/friends/{other}/request", accessToken: ann.AccessToken).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Put, $"/v1/friends/{other}/block", accessToken: ann.AccessToken).AssertProblemAsync(404, "player_not_found");
            await client.SendAsync(HttpMethod.Delete, $"/v1/friends/{other}", accessToken: ann.AccessToken).AssertProblemAsync(404, "player_not_found");
        }

        await client.SendAsync(HttpMethod.Post, $"/v1/friends/{ann.PlayerId}/request", accessToken: ann.AccessToken).AssertProblemAsync(400, "cannot_friend_self");
        await client.SendAsync(HttpMethod.Put, $"/v1/friends/{ann.PlayerId}/block", accessToken: ann.AccessToken).AssertProblemAsync(400, "cannot_friend_self");
        foreach (var state in new[] { "friend", "incoming", "outgoing", "blocked" })
        {
            Assert.Empty(await ListAsync(client, ann, state));
            Assert.Empty(await ListAsync(client, stranger, state));
        }
    }

    [Theory]
    [InlineData("?state=enemy", "invalid_friend_state")]
    [InlineData("?state=", "invalid_friend_state")]
    [InlineData("?limit=0", "invalid_page_limit")]
    [InlineData("?limit=101", "invalid_page_limit")]
    [InlineData("?limit=ten", "invalid_page_limit")]
    [InlineData("?cursor=not-a-cursor", "invalid_continuation_token")]
    public async Task Bad_list_parameters_are_400(string query, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var ann = await client.SignInDeviceAsync(title);

        await client.SendAsync(HttpMethod.Get, "/v1/friends" + query, accessToken: ann.AccessToken).AssertProblemAsync(400, code);
    }

    [Fact]
    public async Task Lists_page_with_the_cursor()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var ann = await client.SignInDeviceAsync(title);
        var others = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var other = await client.SignInDeviceAsync(title);
            others.Add(other.PlayerId);
            (await client.SendAsync(HttpMethod.Post, $"/v1/friends/{other.PlayerId}/request", accessToken: ann.AccessToken)).Dispose();
        }

        var seen = new List<string>();
        var url = "/v1/friends?state=outgoing&limit=2";
        while (true)
        {
            using var response = await client.SendAsync(HttpMethod.Get, url, accessToken: ann.AccessToken);
            var page = await response.ReadJsonAsync(HttpStatusCode.OK);
            var items = page.GetProperty("items").EnumerateArray().ToArray();
            Assert.InRange(items.Length, 0, 2);
            seen.AddRange(items.Select(i => i.GetProperty("playerId").GetString()!));
            if (page.GetProperty("cursor").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            url = "/v1/friends?state=outgoing&limit=2&cursor=" + Uri.EscapeDataString(page.GetProperty("cursor").GetString()!);
        }

        Assert.Equal(others.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task The_title_friend_limit_is_409()
    {
        var title = await factory.CreateTitleAsync(new TitleSettings { MaxFriends = 1 });
        using var client = factory.CreateClient();
        var (ann, bob, cat) = (await client.SignInDeviceAsync(title), await client.SignInDeviceAsync(title), await client.SignInDeviceAsync(title));
        (await client.SendAsync(HttpMethod.Post, $"/v1/friends/{bob.PlayerId}/request", accessToken: ann.AccessToken)).Dispose();

        await client.SendAsync(HttpMethod.Post, $"/v1/friends/{cat.PlayerId}/request", accessToken: ann.AccessToken).AssertProblemAsync(409, "friend_limit_reached");
        Assert.Empty(await ListAsync(client, cat, "incoming"));

        using var settings = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey);
        Assert.Equal(1, (await settings.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("maxFriends").GetInt32());
    }

    [Fact]
    public async Task Every_route_needs_a_player_token_and_is_in_the_openapi_document()
    {
        using var client = factory.CreateClient();
        var id = Guid.CreateVersion7().ToString("N");
        (HttpMethod Method, string Path, string Template)[] routes =
        [
            (HttpMethod.Get, "/v1/friends", "/v1/friends"),
            (HttpMethod.Post, $"/v1/friends/{id}/request", "/v1/friends/{playerId}/request"),
            (HttpMethod.Post, $"/v1/friends/{id}/accept", "/v1/friends/{playerId}/accept"),
            (HttpMethod.Post, $"/v1/friends/{id}/decline", "/v1/friends/{playerId}/decline"),
            (HttpMethod.Delete, $"/v1/friends/{id}/request", "/v1/friends/{playerId}/request"),
            (HttpMethod.Delete, $"/v1/friends/{id}", "/v1/friends/{playerId}"),
            (HttpMethod.Put, $"/v1/friends/{id}/block", "/v1/friends/{playerId}/block"),
            (HttpMethod.Delete, $"/v1/friends/{id}/block", "/v1/friends/{playerId}/block"),
        ];

        using var openApi = await client.GetAsync("/openapi/v1.json");
        var paths = (await openApi.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("paths");
        foreach (var (method, path, template) in routes)
        {
            await client.SendAsync(method, path).AssertProblemAsync(401, "invalid_token");
            var operation = paths.GetProperty(template).GetProperty(method.Method.ToLowerInvariant());
            Assert.Equal("Friends", operation.GetProperty("tags")[0].GetString());
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _));
        }
    }

    private static async Task<List<string>> ListAsync(HttpClient client, Session session, string? state)
    {
        using var response = await client.SendAsync(HttpMethod.Get, state is null ? "/v1/friends" : $"/v1/friends?state={state}", accessToken: session.AccessToken);
        var page = await response.ReadJsonAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("playerId").GetString()!).ToList();
    }

    private static async Task AssertNoContentAsync(HttpClient client, HttpMethod method, string url, Session session)
    {
        using var response = await client.SendAsync(method, url, accessToken: session.AccessToken);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
