using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Moderation;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Privacy;
using GameBackend.Core.Privacy.Contributors;
using GameBackend.Core.Progression;
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
    private PlayerPrivacyService _privacy = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _title = await _backend.CreateTitleAsync();
        _storage = new PlayerStorageService(_backend.Store, _backend.Time);
        _progression = new ProgressionService(_backend.Store, _backend.Time);
        var reports = new ReportService(_backend.Store, _backend.Accounts, _backend.Time);
        _privacy = new PlayerPrivacyService(
            _backend.Store,
            _backend.Accounts,
            [
                new AccountDataContributor(_backend.Store),
                new ProfileDataContributor(_backend.Store),
                new ModerationDataContributor(reports),
                new PlayerStorageDataContributor(_backend.Store),
                new ProgressionDataContributor(_backend.Store),
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
