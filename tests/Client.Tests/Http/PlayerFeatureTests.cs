using System.Text.Json;
using System.Text.Json.Serialization;

namespace GameBackend.Client.Tests.Http;

/// <summary>A game's own save type, serialized with source-generated metadata as a Unity/IL2CPP game would.</summary>
public sealed record SaveGame(int Chapter, int Hp);

[JsonSerializable(typeof(SaveGame))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class SaveGameJson : JsonSerializerContext;

[Collection(BackendCollection.Name)]
public sealed class PlayerFeatureTests(SharedBackend backend)
{
    private static string NewDeviceId() => "device-" + Guid.NewGuid().ToString("N");

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Profile_updates_are_conditional_on_the_version_read()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());

        var profile = await client.Profiles.GetAsync();
        Assert.Equal(signIn.PlayerId, profile.PlayerId);
        Assert.False(string.IsNullOrEmpty(profile.Version));

        var updated = await client.Profiles.UpdateAsync(
            new ProfileUpdate { DisplayName = "Ada", Locale = "en-GB", Metadata = Json("""{"favouriteMap":"harbour"}""") },
            ifVersion: profile.Version);
        Assert.Equal("Ada", updated.DisplayName);
        Assert.Equal("en-GB", updated.Locale);
        Assert.Equal("harbour", updated.Metadata!.Value.GetProperty("favouriteMap").GetString());
        Assert.NotEqual(profile.Version, updated.Version);

        // A partial update leaves the other members as they are.
        var renamed = await client.Profiles.UpdateAsync(new ProfileUpdate { DisplayName = "Ada L" });
        Assert.Equal("en-GB", renamed.Locale);

        var stale = await Assert.ThrowsAsync<GameBackendException>(() => client.Profiles.UpdateAsync(new ProfileUpdate { Locale = "fr-FR" }, ifVersion: profile.Version));
        Assert.Equal(409, stale.Status);
        Assert.Equal(ErrorCodes.VersionConflict, stale.Code);
        Assert.Equal(renamed.Version, stale.Extensions["currentVersion"]);

        var invalid = await Assert.ThrowsAsync<GameBackendException>(() => client.Profiles.UpdateAsync(new ProfileUpdate { AvatarUrl = "not a url" }));
        Assert.Equal("invalid_avatar_url", invalid.Code);

        using var other = backend.NewClient(title);
        await other.Auth.SignInWithDeviceAsync(NewDeviceId());
        Assert.Equal("Ada L", (await other.Profiles.GetPlayerAsync(signIn.PlayerId)).DisplayName);
    }

    [Fact]
    public async Task Storage_writes_are_conditional_and_values_round_trip()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        await client.Auth.SignInWithDeviceAsync(NewDeviceId());

        var created = await client.Storage.PutAsync("saves", "slot1", new SaveGame(3, 72), SaveGameJson.Default.SaveGame, StorageCondition.Absent);
        Assert.Equal(new SaveGame(3, 72), created.ValueAs(SaveGameJson.Default.SaveGame));
        Assert.Equal(StoragePermissions.Owner, created.ReadPermission);

        var exists = await Assert.ThrowsAsync<GameBackendException>(() => client.Storage.PutAsync("saves", "slot1", Json("""{"chapter":1}"""), StorageCondition.Absent));
        Assert.Equal(409, exists.Status);
        Assert.Equal(ErrorCodes.VersionConflict, exists.Code);

        var updated = await client.Storage.PutAsync("saves", "slot1", new SaveGame(4, 50), SaveGameJson.Default.SaveGame, StorageCondition.AtVersion(created.Version), readPermission: StoragePermissions.Public);
        Assert.NotEqual(created.Version, updated.Version);
        Assert.Equal(StoragePermissions.Public, updated.ReadPermission);

        var stale = await Assert.ThrowsAsync<GameBackendException>(() => client.Storage.PutAsync("saves", "slot1", Json("{}"), StorageCondition.AtVersion(created.Version)));
        Assert.Equal(ErrorCodes.VersionConflict, stale.Code);

        var read = await client.Storage.GetAsync("saves", "slot1");
        Assert.Equal(updated.Version, read.Version);
        Assert.Equal(4, read.Value.GetProperty("chapter").GetInt32());

        await client.Storage.PutAsync("saves", "slot2", Json("""{"chapter":1,"hp":100}"""));
        var page = await client.Storage.ListAsync("saves", limit: 1);
        Assert.Single(page.Objects);
        Assert.NotNull(page.Cursor);
        var next = await client.Storage.ListAsync("saves", limit: 1, cursor: page.Cursor);
        Assert.Single(next.Objects);
        Assert.NotEqual(page.Objects[0].Key, next.Objects[0].Key);

        // Another player reads the public object.
        using var other = backend.NewClient(title);
        await other.Auth.SignInWithDeviceAsync(NewDeviceId());
        Assert.Equal(4, (await other.Storage.GetPlayerAsync(read.PlayerId, "saves", "slot1")).ValueAs(SaveGameJson.Default.SaveGame)!.Chapter);
        var hidden = await Assert.ThrowsAsync<GameBackendException>(() => other.Storage.GetPlayerAsync(read.PlayerId, "saves", "slot2"));
        Assert.Equal(ErrorCodes.StorageObjectNotFound, hidden.Code);

        var staleDelete = await Assert.ThrowsAsync<GameBackendException>(() => client.Storage.DeleteAsync("saves", "slot1", ifVersion: created.Version));
        Assert.Equal(ErrorCodes.VersionConflict, staleDelete.Code);
        await client.Storage.DeleteAsync("saves", "slot1", ifVersion: updated.Version);
        var gone = await Assert.ThrowsAsync<GameBackendException>(() => client.Storage.GetAsync("saves", "slot1"));
        Assert.Equal(404, gone.Status);
        Assert.Equal(ErrorCodes.StorageObjectNotFound, gone.Code);
    }

    [Fact]
    public async Task Friends_request_accept_list_and_remove()
    {
        var title = await backend.CreateTitleAsync();
        using var alice = backend.NewClient(title);
        using var bob = backend.NewClient(title);
        var a = await alice.Auth.SignInWithDeviceAsync(NewDeviceId());
        var b = await bob.Auth.SignInWithDeviceAsync(NewDeviceId());

        var outgoing = await alice.Friends.RequestAsync(b.PlayerId);
        Assert.Equal(FriendStates.Outgoing, outgoing.State);
        var incoming = await bob.Friends.ListAsync(FriendStates.Incoming);
        Assert.Equal(a.PlayerId, Assert.Single(incoming.Items).PlayerId);

        var friend = await bob.Friends.AcceptAsync(a.PlayerId);
        Assert.Equal(FriendStates.Friend, friend.State);
        var friends = await alice.Friends.ListAsync();
        Assert.Equal(b.PlayerId, Assert.Single(friends.Items).PlayerId);
        Assert.Null(friends.Cursor);

        await alice.Friends.RemoveAsync(b.PlayerId);
        Assert.Empty((await bob.Friends.ListAsync()).Items);

        var self = await Assert.ThrowsAsync<GameBackendException>(() => alice.Friends.RequestAsync(a.PlayerId));
        Assert.Equal("cannot_friend_self", self.Code);

        var blocked = await alice.Friends.BlockAsync(b.PlayerId);
        Assert.Equal(FriendStates.Blocked, blocked.State);
        await alice.Friends.UnblockAsync(b.PlayerId);
        Assert.Empty((await alice.Friends.ListAsync(FriendStates.Blocked)).Items);
    }

    [Fact]
    public async Task Leaderboards_submit_and_read_every_view()
    {
        var title = await backend.CreateTitleAsync();
        await backend.AdminAsync(title, HttpMethod.Post, "/v1/admin/leaderboards", """{"id":"weekly-score","sortOrder":"descending","operator":"best"}""");
        var players = new List<(GameBackendClient Client, string Id)>();
        for (var i = 0; i < 5; i++)
        {
            var client = backend.NewClient(title);
            var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());
            await client.Leaderboards.SubmitAsync("weekly-score", 100 * (i + 1), i == 0 ? Json("""{"car":"red"}""") : null);
            players.Add((client, signIn.PlayerId));
        }

        try
        {
            var me = players[0].Client;
            var best = await me.Leaderboards.SubmitAsync("weekly-score", 50); // lower than 100: best keeps 100
            Assert.Equal(100, best.Score);

            var top = await me.Leaderboards.GetTopAsync("weekly-score", limit: 2);
            Assert.Equal(5, top.Total);
            Assert.Equal([500d, 400d], top.Records.Select(r => r.Score));
            Assert.Equal([1L, 2L], top.Records.Select(r => r.Rank));
            Assert.NotNull(top.NextCursor);
            var rest = await me.Leaderboards.GetTopAsync("weekly-score", limit: 10, cursor: top.NextCursor);
            Assert.Equal(3, rest.Records.Count);

            var mine = await me.Leaderboards.GetMineAsync("weekly-score");
            Assert.Equal(5, mine.Rank);
            Assert.Equal("red", mine.Metadata!.Value.GetProperty("car").GetString());

            var around = await players[2].Client.Leaderboards.GetAroundMeAsync("weekly-score", k: 1);
            Assert.Equal([2L, 3L, 4L], around.Records.Select(r => r.Rank));

            await me.Friends.RequestAsync(players[4].Id);
            await players[4].Client.Friends.AcceptAsync(players[0].Id);
            var friends = await me.Leaderboards.GetFriendsAsync("weekly-score");
            Assert.Equal([players[4].Id, players[0].Id], friends.Records.Select(r => r.PlayerId));

            var missing = await Assert.ThrowsAsync<GameBackendException>(() => me.Leaderboards.GetTopAsync("no-such-board"));
            Assert.Equal("leaderboard_not_found", missing.Code);
            var badLimit = await Assert.ThrowsAsync<GameBackendException>(() => me.Leaderboards.GetTopAsync("weekly-score", limit: 1000));
            Assert.Equal("invalid_leaderboard_limit", badLimit.Code);
        }
        finally
        {
            foreach (var (client, _) in players)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Progression_reads_and_increments_client_writable_stats()
    {
        var title = await backend.CreateTitleAsync();
        await backend.AdminAsync(title, HttpMethod.Put, "/v1/admin/progression/config", """
            {"levelThresholds":[0,100,300],
             "stats":[{"name":"kills","min":0,"max":1000,"default":0,"clientWritable":true,"xpPerUnit":10},
                      {"name":"coins","min":0,"max":1000,"default":0}],
             "achievements":[{"id":"first-blood","name":"First blood","unlockWhen":{"stat":"kills","atLeast":1},"xp":5}]}
            """);
        using var client = backend.NewClient(title);
        var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());

        var start = await client.Progression.GetAsync();
        Assert.Equal(1, start.Level);
        Assert.Equal(0, start.Stats["kills"]);

        var change = await client.Progression.IncrementStatAsync("kills", 12);
        Assert.Equal(["first-blood"], change.NewlyUnlocked);
        Assert.Equal(125, change.XpGranted);
        Assert.Equal(2, change.Progression.Level);
        Assert.Equal(12, change.Progression.Stats["kills"]);
        Assert.True(change.Progression.Achievements.ContainsKey("first-blood"));

        var outOfRange = await Assert.ThrowsAsync<GameBackendException>(() => client.Progression.IncrementStatAsync("kills", -100));
        Assert.Equal("stat_out_of_range", outOfRange.Code);
        Assert.Equal("12", outOfRange.Extensions["current"]);
        Assert.Equal("0", outOfRange.Extensions["min"]);

        var serverOnly = await Assert.ThrowsAsync<GameBackendException>(() => client.Progression.IncrementStatAsync("coins", 1));
        Assert.Equal(403, serverOnly.Status);
        Assert.Equal("stat_not_client_writable", serverOnly.Code);

        using var other = backend.NewClient(title);
        await other.Auth.SignInWithDeviceAsync(NewDeviceId());
        var seen = await other.Progression.GetPlayerAsync(signIn.PlayerId);
        Assert.Equal(2, seen.Level);
    }

    [Fact]
    public async Task Export_holds_the_players_data_and_delete_erases_it_and_signs_out()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());
        await client.Profiles.UpdateAsync(new ProfileUpdate { DisplayName = "Exported" });

        var export = await client.Account.ExportAsync();
        Assert.Equal(signIn.PlayerId, export.PlayerId);
        Assert.Equal(title.Id, export.TitleId);
        Assert.Equal(JsonValueKind.Object, export.Sections.ValueKind);
        Assert.Contains("Exported", export.Sections.GetRawText(), StringComparison.Ordinal);

        var erased = await client.Account.DeleteAsync();
        Assert.Equal(signIn.PlayerId, erased.PlayerId);
        Assert.False(erased.AlreadyErased);
        Assert.False(client.IsSignedIn);
    }
}
