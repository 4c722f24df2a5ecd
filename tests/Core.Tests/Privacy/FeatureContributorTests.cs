using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Moderation;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Privacy;
using GameBackend.Core.Privacy.Contributors;
using GameBackend.Core.Progression;
using GameBackend.Core.Social;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Privacy;

/// <summary>Each feature's contributor: its data is in the export before the erasure and gone after it, and nobody else's is touched.</summary>
public sealed class FeatureContributorTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private PlayerStorageService _storage = null!;
    private ProgressionService _progression = null!;
    private FriendService _friends = null!;
    private LeaderboardService _leaderboards = null!;
    private PlayerPrivacyService _privacy = null!;
    private PlayerRatings _ratings = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _title = await _backend.CreateTitleAsync();
        _storage = new PlayerStorageService(_backend.Store, _backend.Time);
        _progression = new ProgressionService(_backend.Store, _backend.Time);
        var reports = new ReportService(_backend.Store, _backend.Accounts, _backend.Time);
        _friends = new FriendService(_backend.Store, _backend.Titles, _backend.Time);
        var index = new InProcessRankIndex();
        _ratings = new PlayerRatings(_backend.Store, _backend.Time);
        _leaderboards = new LeaderboardService(_backend.Store, index, _backend.Events.Publisher(), _backend.Time);
        _privacy = new PlayerPrivacyService(
            _backend.Store,
            _backend.Accounts,
            [
                new AccountDataContributor(_backend.Store),
                new ProfileDataContributor(_backend.Store),
                new ModerationDataContributor(reports),
                new PlayerStorageDataContributor(_backend.Store),
                new ProgressionDataContributor(_backend.Store),
                new FriendDataContributor(_backend.Store),
                new LeaderboardDataContributor(_backend.Store, index, _backend.Time),
                new MatchmakingDataContributor(_backend.Store, _ratings),
            ],
            _backend.Time);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Storage_objects_are_exported_then_erased_and_other_players_keep_theirs()
    {
        var player = await NewPlayerAsync();
        var other = await NewPlayerAsync();
        await PutAsync(player, "saves", "slot1", """{"chapter":7}""", StorageCaller.Owner);
        await PutAsync(player, "inventory", "main", """{"gold":120}""", StorageCaller.Server, StorageWritePermission.Server);
        await PutAsync(other, "saves", "slot1", """{"chapter":2}""", StorageCaller.Owner);

        var export = (await _privacy.ExportAsync(_title.Id, player)).Value;
        var objects = export.Sections["storage"]!["objects"]!.AsArray();
        Assert.Equal(2, objects.Count);
        Assert.Contains(objects, o => (string?)o!["collection"] == "saves" && (int)o["value"]!["chapter"]! == 7);
        Assert.Contains(objects, o => (string?)o!["collection"] == "inventory" && (string?)o["writePermission"] == "server");
        Assert.Null((await _privacy.ExportAsync(_title.Id, await NewPlayerAsync())).Value.Sections["storage"]);

        await _privacy.EraseAsync(_title.Id, player);

        Assert.Empty((await _backend.Store.QueryAsync(new Query(_title.Id, PlayerStorageService.Partition(player), SortKeyCondition.All))).Items);
        var replayed = await _storage.PutAsync(_title.Id, player, "saves", "slot1", Write("""{"chapter":8}"""), StorageWriteCondition.None, StorageCaller.Server);
        Assert.Equal(ErrorCodes.PlayerNotFound, replayed.Error?.Code);
        Assert.Empty((await _backend.Store.QueryAsync(new Query(_title.Id, PlayerStorageService.Partition(player), SortKeyCondition.All))).Items);
        Assert.True((await _storage.GetAsync(_title.Id, other, "saves", "slot1", StorageCaller.Owner)).IsSuccess);
    }

    [Fact]
    public async Task Progression_is_exported_then_erased_and_a_late_grant_recreates_nothing()
    {
        var player = await NewPlayerAsync();
        var other = await NewPlayerAsync();
        Assert.True((await _progression.GrantXpAsync(_title.Id, player, 250, "tournament win")).IsSuccess);
        Assert.True((await _progression.GrantXpAsync(_title.Id, other, 10, null)).IsSuccess);

        var export = (await _privacy.ExportAsync(_title.Id, player)).Value;
        var progression = export.Sections["progression"]!;
        Assert.Equal(250, (long)progression["xp"]!);
        Assert.Equal("tournament win", (string?)progression["recentXpGrants"]![0]!["detail"]);
        Assert.Equal("server", (string?)progression["recentXpGrants"]![0]!["source"]);

        await _privacy.EraseAsync(_title.Id, player);

        Assert.Null(await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player)));
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _progression.GrantXpAsync(_title.Id, player, 5, "late")).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _progression.GetAsync(_title.Id, player)).Error?.Code);
        Assert.Null(await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player)));
        Assert.Equal(10, (await _progression.GetAsync(_title.Id, other)).Value.Xp);
    }

    [Fact]
    public async Task Friends_are_exported_then_erased_from_both_sides()
    {
        var player = await NewPlayerAsync();
        var (friend, asked, asker, blocked, blocker) = (await NewPlayerAsync(), await NewPlayerAsync(), await NewPlayerAsync(), await NewPlayerAsync(), await NewPlayerAsync());
        Assert.True((await _friends.RequestAsync(_title.Id, player, friend)).IsSuccess);
        Assert.True((await _friends.AcceptAsync(_title.Id, friend, player)).IsSuccess);
        Assert.True((await _friends.RequestAsync(_title.Id, player, asked)).IsSuccess);
        Assert.True((await _friends.RequestAsync(_title.Id, asker, player)).IsSuccess);
        Assert.True((await _friends.BlockAsync(_title.Id, player, blocked)).IsSuccess);
        Assert.True((await _friends.BlockAsync(_title.Id, blocker, player)).IsSuccess);
        Assert.True((await _friends.RequestAsync(_title.Id, friend, asked)).IsSuccess);

        var export = (await _privacy.ExportAsync(_title.Id, player)).Value;
        var relationships = export.Sections["friends"]!["relationships"]!.AsArray()
            .ToDictionary(r => (string)r!["playerId"]!, r => (string)r!["state"]!);
        Assert.Equal(
            new Dictionary<string, string> { [friend] = "friend", [asked] = "outgoing", [asker] = "incoming", [blocked] = "blocked" },
            relationships);

        await _privacy.EraseAsync(_title.Id, player);

        Assert.Empty((await _backend.Store.QueryAsync(new Query(_title.Id, FriendService.Partition(player), SortKeyCondition.All))).Items);
        Assert.Empty((await _friends.ListAsync(_title.Id, friend, FriendState.Friend, 100, null)).Value.Items);
        Assert.Equal([friend], (await _friends.ListAsync(_title.Id, asked, FriendState.Incoming, 100, null)).Value.Items.Select(e => e.PlayerId));
        Assert.Empty((await _friends.ListAsync(_title.Id, asker, FriendState.Outgoing, 100, null)).Value.Items);
        Assert.Equal([asked], (await _friends.ListAsync(_title.Id, friend, FriendState.Outgoing, 100, null)).Value.Items.Select(e => e.PlayerId));
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _friends.RequestAsync(_title.Id, friend, player)).Error?.Code);
        Assert.Empty((await _backend.Store.QueryAsync(new Query(_title.Id, FriendService.Partition(player), SortKeyCondition.All))).Items);
    }

    [Fact]
    public async Task Ratings_and_the_latest_ticket_are_exported_then_erased_and_a_late_result_recreates_nothing()
    {
        var player = await NewPlayerAsync();
        var other = await NewPlayerAsync();
        var start = PlayerRatings.DefaultValue(RatingSystem.Glicko2);
        foreach (var who in new[] { player, other })
        {
            await _ratings.ApplyAsync(_title.Id, Ids.NewId(_backend.Time), "ranked", RatingSystem.Glicko2, 24, new RatingChange(who, start, start with { Rating = 1620 }), default);
        }

        var export = (await _privacy.ExportAsync(_title.Id, player)).Value;
        var rating = export.Sections["matchmaking"]!["ratings"]![0]!;
        Assert.Equal(("ranked", "glicko2", 1620.0, 1), ((string)rating["key"]!, (string)rating["system"]!, (double)rating["rating"]!, (int)rating["games"]!));

        await _privacy.EraseAsync(_title.Id, player);
        await _ratings.ApplyAsync(_title.Id, Ids.NewId(_backend.Time), "ranked", RatingSystem.Glicko2, 24, new RatingChange(player, start, start with { Rating = 1700 }), default);

        Assert.Empty(await _ratings.ListAsync(_title.Id, player, default));
        Assert.Single(await _ratings.ListAsync(_title.Id, other, default));
    }

    [Fact]
    public async Task Leaderboard_records_of_every_period_are_exported_then_erased_from_the_store_and_the_index()
    {
        var player = await NewPlayerAsync();
        var other = await NewPlayerAsync();
        Assert.True((await _leaderboards.CreateAsync(_title.Id, new LeaderboardDefinition("daily", "descending", "best", "0 0 * * *"))).IsSuccess);
        Assert.True((await _leaderboards.CreateAsync(_title.Id, new LeaderboardDefinition("alltime", null, "increment", null))).IsSuccess);
        Assert.True((await _leaderboards.SubmitForPlayerAsync(_title.Id, "daily", player, 500, null)).IsSuccess);
        Assert.True((await _leaderboards.SubmitForPlayerAsync(_title.Id, "daily", other, 300, null)).IsSuccess);
        var firstPeriod = (await _leaderboards.GetTopAsync(_title.Id, "daily", null, null, null)).Value.PeriodId;
        _backend.Time.Advance(TimeSpan.FromDays(2));
        Assert.True((await _leaderboards.SubmitForPlayerAsync(_title.Id, "daily", player, 700, null)).IsSuccess);
        Assert.True((await _leaderboards.SubmitForPlayerAsync(_title.Id, "alltime", player, 5, null)).IsSuccess);

        var export = (await _privacy.ExportAsync(_title.Id, player)).Value;
        var records = export.Sections["leaderboards"]!["records"]!.AsArray();
        Assert.Equal(3, records.Count);
        Assert.Contains(records, r => (string?)r!["leaderboard"] == "daily" && (string?)r["period"] == firstPeriod && (double)r["score"]! == 500);
        Assert.Contains(records, r => (string?)r!["leaderboard"] == "daily" && (string?)r["period"] != firstPeriod && (double)r["score"]! == 700);
        Assert.Contains(records, r => (string?)r!["leaderboard"] == "alltime" && (string?)r["period"] == "all");

        await _privacy.EraseAsync(_title.Id, player);

        var archived = (await _leaderboards.GetTopAsync(_title.Id, "daily", firstPeriod, null, null)).Value;
        Assert.Equal([other], archived.Records.Select(r => r.PlayerId));
        Assert.Empty((await _leaderboards.GetTopAsync(_title.Id, "daily", null, null, null)).Value.Records);
        Assert.Empty((await _leaderboards.GetTopAsync(_title.Id, "alltime", null, null, null)).Value.Records);
        Assert.Equal(ErrorCodes.LeaderboardRecordNotFound, (await _leaderboards.GetRecordAsync(_title.Id, "daily", player, null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _leaderboards.SubmitForPlayerAsync(_title.Id, "daily", player, 900, null)).Error?.Code);
        Assert.Empty((await _leaderboards.GetTopAsync(_title.Id, "daily", null, null, null)).Value.Records);

        // The index rebuilt from the store (a restart, a Redis flush) does not bring the player back either.
        var rebuilt = new LeaderboardService(_backend.Store, new InProcessRankIndex(), _backend.Events.Publisher(), _backend.Time);
        Assert.Equal([other], (await rebuilt.GetTopAsync(_title.Id, "daily", firstPeriod, null, null)).Value.Records.Select(r => r.PlayerId));
    }

    private async Task PutAsync(string playerId, string collection, string key, string json, StorageCaller caller, StorageWritePermission? writePermission = null)
    {
        var written = await _storage.PutAsync(_title.Id, playerId, collection, key, Write(json, writePermission), StorageWriteCondition.None, caller);
        Assert.True(written.IsSuccess, written.Error?.Code);
    }

    private static PlayerStorageWrite Write(string json, StorageWritePermission? writePermission = null)
    {
        using var document = JsonDocument.Parse(json);
        return new PlayerStorageWrite(document.RootElement.Clone(), null, writePermission);
    }

    private async Task<string> NewPlayerAsync() => (await _backend.SignInNewDeviceAsync(_title)).SignIn.PlayerId;
}
