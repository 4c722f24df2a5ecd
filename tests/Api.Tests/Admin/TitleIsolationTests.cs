using System.Net;

namespace GameBackend.Api.Tests.Admin;

/// <summary>
/// Two titles on one store: no route reads or writes across them. Another title's player ids are simply
/// not found, and what was attempted against them leaves them unchanged.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TitleIsolationTests(SharedApiFactory factory)
{
    [Fact]
    public async Task No_route_reaches_another_titles_players()
    {
        var a = await factory.CreateTitleAsync();
        var b = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var playerA = await client.SignInDeviceAsync(a);
        var deviceB = ApiClient.NewDeviceId();
        var playerB = await client.SignInDeviceAsync(b, deviceB);
        using (var set = await client.SendAsync(HttpMethod.Patch, "/v1/profile", """{"displayName":"OnlyInB"}""", playerB.AccessToken))
        {
            await set.ReadJsonAsync(HttpStatusCode.OK);
        }

        var before = await SnapshotAsync(client, b, playerB);

        // A player of A reading B's player.
        await client.SendAsync(HttpMethod.Get, $"/v1/players/{playerB.PlayerId}/profile", accessToken: playerA.AccessToken).AssertProblemAsync(404, "player_not_found");

        // A's server key against B's player.
        var url = $"/v1/admin/players/{playerB.PlayerId}";
        await client.SendAsync(HttpMethod.Get, url, serverKey: a.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, url + "/disable", serverKey: a.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, url + "/enable", serverKey: a.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Put, url + "/ban", """{"until":"2999-01-01T00:00:00Z"}""", serverKey: a.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Delete, url + "/ban", serverKey: a.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, url + "/link/custom", """{"customId":"steal-1"}""", serverKey: a.ServerKey).AssertProblemAsync(404, "player_not_found");

        // B's device id under A's client key is a different (new) player, not B's.
        var sameDeviceInA = await client.SignInDeviceAsync(a, deviceB);
        Assert.True(sameDeviceInA.Created);
        Assert.NotEqual(playerB.PlayerId, sameDeviceInA.PlayerId);

        // B's identity cannot be linked from A.
        using (var link = await client.SendAsync(HttpMethod.Post, "/v1/account/link/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", playerA.AccessToken))
        {
            await link.ReadJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(before, await SnapshotAsync(client, b, playerB));
    }

    private static async Task<string> SnapshotAsync(HttpClient client, TestTitle title, Session player)
    {
        using var admin = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{player.PlayerId}", serverKey: title.ServerKey);
        using var profile = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: player.AccessToken);
        return (await admin.ReadJsonAsync(HttpStatusCode.OK)).GetRawText() + (await profile.ReadJsonAsync(HttpStatusCode.OK)).GetRawText() + profile.Headers.ETag;
    }
}
