using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.PlayerData;

public sealed class PlayerStorageServiceTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private Title _title = null!;
    private PlayerStorageService _storage = null!;

    public async Task InitializeAsync()
    {
        _title = await _backend.CreateTitleAsync();
        _storage = new PlayerStorageService(_backend.Store, _backend.Time);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private async Task<string> NewPlayerAsync(Title? title = null) => (await _backend.SignInNewDeviceAsync(title ?? _title)).SignIn.PlayerId;

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static PlayerStorageWrite Write(string json, StorageReadPermission? read = null, StorageWritePermission? write = null) => new(Json(json), read, write);

    private Task<Result<PlayerStorageObject>> PutAsync(string playerId, string key, string json, StorageWriteCondition? condition = null, StorageCaller caller = StorageCaller.Owner, PlayerStorageService? storage = null) =>
        (storage ?? _storage).PutAsync(_title.Id, playerId, "saves", key, Write(json), condition ?? StorageWriteCondition.None, caller);

    [Fact]
    public async Task Put_then_get_round_trips_the_value_compacted_with_a_version_and_owner_permissions()
    {
        var player = await NewPlayerAsync();
        var written = (await PutAsync(player, "slot-1", """{ "level": 3, "items": [ "sword" ] }""")).Value;

        Assert.Equal("""{"level":3,"items":["sword"]}""", written.Value.GetRawText());
        Assert.Equal(StorageReadPermission.Owner, written.ReadPermission);
        Assert.Equal(StorageWritePermission.Owner, written.WritePermission);
        Assert.Equal(_backend.Time.GetUtcNow(), written.UpdatedAt);
        Assert.False(string.IsNullOrEmpty(written.Version));

        var read = (await _storage.GetAsync(_title.Id, player, "saves", "slot-1", StorageCaller.Owner)).Value;
        Assert.Equal(written.Version, read.Version);
        Assert.Equal(written.Value.GetRawText(), read.Value.GetRawText());
        Assert.Equal((written.Value.GetRawText().Length, 1), await _storage.GetUsageAsync(_title.Id, player));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("ünïcode")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234X")]
    public async Task Bad_names_are_refused_and_nothing_is_written(string name)
    {
        var player = await NewPlayerAsync();
        var byKey = await _storage.PutAsync(_title.Id, player, "saves", name, Write("{}"), StorageWriteCondition.None, StorageCaller.Owner);
        var byCollection = await _storage.PutAsync(_title.Id, player, name, "key", Write("{}"), StorageWriteCondition.None, StorageCaller.Owner);

        Assert.Equal(ErrorCodes.InvalidStorageName, byKey.Error?.Code);
        Assert.Equal(ErrorCodes.InvalidStorageName, byCollection.Error?.Code);
        Assert.Equal(ErrorCodes.InvalidStorageName, (await _storage.ListAsync(_title.Id, player, name, StorageCaller.Owner)).Error?.Code);
        Assert.Equal((0L, 0), await _storage.GetUsageAsync(_title.Id, player));
    }

    [Fact]
    public async Task Names_of_64_allowed_characters_are_accepted()
    {
        var player = await NewPlayerAsync();
        var name = "Aa0_.-" + new string('x', 58);
        Assert.True((await _storage.PutAsync(_title.Id, player, name, name, Write("{}"), StorageWriteCondition.None, StorageCaller.Owner)).IsSuccess);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task Values_that_are_not_objects_are_refused(string json)
    {
        var player = await NewPlayerAsync();
        Assert.Equal(ErrorCodes.InvalidStorageValue, (await PutAsync(player, "k", json)).Error?.Code);
        Assert.Equal((0L, 0), await _storage.GetUsageAsync(_title.Id, player));
    }

    [Fact]
    public async Task Values_over_the_size_or_depth_limit_are_refused()
    {
        var player = await NewPlayerAsync();
        var padding = new string('x', PlayerStorageLimits.DefaultMaxValueBytes - """{"p":""}""".Length);
        Assert.True((await PutAsync(player, "exact", $$"""{"p":"{{padding}}"}""")).IsSuccess);
        Assert.Equal(ErrorCodes.InvalidStorageValue, (await PutAsync(player, "over", $$"""{"p":"{{padding}}x"}""")).Error?.Code);

        var deepest = string.Concat(Enumerable.Repeat("{\"a\":", 15)) + "{}" + new string('}', 15);
        Assert.True((await PutAsync(player, "deep", deepest)).IsSuccess);
        var tooDeep = string.Concat(Enumerable.Repeat("{\"a\":", 16)) + "{}" + new string('}', 16);
        Assert.Equal(ErrorCodes.InvalidStorageValue, (await PutAsync(player, "too-deep", tooDeep)).Error?.Code);
        Assert.Equal(ErrorCodes.StorageObjectNotFound, (await _storage.GetAsync(_title.Id, player, "saves", "over", StorageCaller.Owner)).Error?.Code);
    }

    [Fact]
    public async Task Create_only_refuses_an_existing_object_with_its_current_version()
    {
        var player = await NewPlayerAsync();
        var first = (await PutAsync(player, "k", """{"n":1}""", StorageWriteCondition.IfAbsent)).Value;
        var second = await PutAsync(player, "k", """{"n":2}""", StorageWriteCondition.IfAbsent);

        Assert.Equal(ErrorCodes.VersionConflict, second.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, second.Error?.Kind);
        Assert.Equal(first.Version, second.Error!.Details!["currentVersion"]);
        Assert.Equal("""{"n":1}""", (await _storage.GetAsync(_title.Id, player, "saves", "k", StorageCaller.Owner)).Value.Value.GetRawText());
    }

    [Fact]
    public async Task Conditional_replace_writes_at_the_current_version_and_conflicts_on_a_stale_one()
    {
        var player = await NewPlayerAsync();
        var first = (await PutAsync(player, "k", """{"n":1}""")).Value;
        var second = (await PutAsync(player, "k", """{"n":2}""", StorageWriteCondition.IfVersion(first.Version))).Value;
        Assert.NotEqual(first.Version, second.Version);

        var stale = await PutAsync(player, "k", """{"n":3}""", StorageWriteCondition.IfVersion(first.Version));
        Assert.Equal(ErrorCodes.VersionConflict, stale.Error?.Code);
        Assert.Equal(second.Version, stale.Error!.Details!["currentVersion"]);
        Assert.Equal(ErrorCodes.StorageObjectNotFound, (await PutAsync(player, "absent", "{}", StorageWriteCondition.IfVersion(first.Version))).Error?.Code);

        var unconditional = (await PutAsync(player, "k", """{"n":4}""")).Value;
        Assert.Equal("""{"n":4}""", unconditional.Value.GetRawText());
        Assert.Equal((unconditional.Value.GetRawText().Length, 1), await _storage.GetUsageAsync(_title.Id, player));
    }

    [Fact]
    public async Task Permissions_are_kept_when_a_write_does_not_name_them()
    {
        var player = await NewPlayerAsync();
        await _storage.PutAsync(_title.Id, player, "saves", "k", Write("{}", StorageReadPermission.Public), StorageWriteCondition.None, StorageCaller.Owner);
        var rewritten = (await PutAsync(player, "k", """{"n":1}""")).Value;
        Assert.Equal(StorageReadPermission.Public, rewritten.ReadPermission);
    }

    [Fact]
    public async Task Other_players_read_only_public_objects_and_private_ones_look_absent()
    {
        var owner = await NewPlayerAsync();
        await _storage.PutAsync(_title.Id, owner, "saves", "a-public", Write("""{"p":1}""", StorageReadPermission.Public), StorageWriteCondition.None, StorageCaller.Owner);
        await PutAsync(owner, "b-private", """{"p":0}""");

        Assert.True((await _storage.GetAsync(_title.Id, owner, "saves", "a-public", StorageCaller.OtherPlayer)).IsSuccess);
        var hidden = await _storage.GetAsync(_title.Id, owner, "saves", "b-private", StorageCaller.OtherPlayer);
        var missing = await _storage.GetAsync(_title.Id, owner, "saves", "c-missing", StorageCaller.OtherPlayer);
        Assert.Equal(ErrorCodes.StorageObjectNotFound, hidden.Error?.Code);
        Assert.Equal(missing.Error, hidden.Error);

        var seen = (await _storage.ListAsync(_title.Id, owner, "saves", StorageCaller.OtherPlayer)).Value;
        Assert.Equal(["a-public"], seen.Objects.Select(o => o.Key));
        var own = (await _storage.ListAsync(_title.Id, owner, "saves", StorageCaller.Owner)).Value;
        Assert.Equal(["a-public", "b-private"], own.Objects.Select(o => o.Key));
        Assert.True((await _storage.GetAsync(_title.Id, owner, "saves", "b-private", StorageCaller.Server)).IsSuccess);
    }

    [Fact]
    public async Task Players_cannot_write_server_only_objects_or_make_one()
    {
        var player = await NewPlayerAsync();
        var asked = await _storage.PutAsync(_title.Id, player, "wallet", "coins", Write("""{"n":1}""", write: StorageWritePermission.Server), StorageWriteCondition.None, StorageCaller.Owner);
        Assert.Equal(ErrorCodes.StorageWriteForbidden, asked.Error?.Code);
        Assert.Equal(ErrorKind.Forbidden, asked.Error?.Kind);

        var server = (await _storage.PutAsync(_title.Id, player, "wallet", "coins", Write("""{"n":100}""", write: StorageWritePermission.Server), StorageWriteCondition.None, StorageCaller.Server)).Value;
        Assert.Equal(StorageWritePermission.Server, server.WritePermission);

        var overwrite = await _storage.PutAsync(_title.Id, player, "wallet", "coins", Write("""{"n":999999}""", write: StorageWritePermission.Owner), StorageWriteCondition.None, StorageCaller.Owner);
        Assert.Equal(ErrorCodes.StorageWriteForbidden, overwrite.Error?.Code);
        Assert.Equal(ErrorCodes.StorageWriteForbidden, (await _storage.DeleteAsync(_title.Id, player, "wallet", "coins", null, StorageCaller.Owner)).Error?.Code);
        Assert.Equal(ErrorCodes.StorageWriteForbidden, (await _storage.PutAsync(_title.Id, player, "wallet", "other", Write("{}"), StorageWriteCondition.None, StorageCaller.OtherPlayer)).Error?.Code);

        var stored = (await _storage.GetAsync(_title.Id, player, "wallet", "coins", StorageCaller.Owner)).Value;
        Assert.Equal(server.Version, stored.Version);
        Assert.Equal("""{"n":100}""", stored.Value.GetRawText());
    }

    [Fact]
    public async Task Server_writes_need_an_existing_player_of_the_title()
    {
        var otherTitle = await _backend.CreateTitleAsync(name: "Other Game");
        var foreign = await NewPlayerAsync(otherTitle);
        var result = await _storage.PutAsync(_title.Id, foreign, "saves", "k", Write("{}"), StorageWriteCondition.None, StorageCaller.Server);
        Assert.Equal(ErrorCodes.PlayerNotFound, result.Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _storage.GetAsync(_title.Id, "not-an-id", "saves", "k", StorageCaller.OtherPlayer)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _storage.ListAsync(_title.Id, foreign, "saves", StorageCaller.OtherPlayer)).Error?.Code);
    }

    [Fact]
    public async Task Delete_frees_quota_and_honours_the_expected_version()
    {
        var player = await NewPlayerAsync();
        var storage = new PlayerStorageService(_backend.Store, _backend.Time, new PlayerStorageLimits { MaxObjectsPerPlayer = 2 });
        var a = (await PutAsync(player, "a", """{"n":1}""", storage: storage)).Value;
        await PutAsync(player, "b", """{"n":2}""", storage: storage);
        Assert.Equal(ErrorCodes.StorageQuotaExceeded, (await PutAsync(player, "c", "{}", storage: storage)).Error?.Code);

        var stale = await storage.DeleteAsync(_title.Id, player, "saves", "a", "not-the-version", StorageCaller.Owner);
        Assert.Equal(ErrorCodes.VersionConflict, stale.Error?.Code);
        Assert.Equal(a.Version, stale.Error!.Details!["currentVersion"]);
        Assert.True((await storage.DeleteAsync(_title.Id, player, "saves", "a", a.Version, StorageCaller.Owner)).IsSuccess);
        Assert.Equal(ErrorCodes.StorageObjectNotFound, (await storage.DeleteAsync(_title.Id, player, "saves", "a", null, StorageCaller.Owner)).Error?.Code);
        Assert.Equal(("""{"n":2}""".Length, 1), await storage.GetUsageAsync(_title.Id, player));

        Assert.True((await PutAsync(player, "c", "{}", storage: storage)).IsSuccess);
    }

    [Fact]
    public async Task Byte_quota_counts_replacements_by_their_new_size()
    {
        var player = await NewPlayerAsync();
        var storage = new PlayerStorageService(_backend.Store, _backend.Time, new PlayerStorageLimits { MaxBytesPerPlayer = 40 });
        Assert.True((await PutAsync(player, "a", $$"""{"p":"{{new string('x', 20)}}"}""", storage: storage)).IsSuccess); // 28 bytes
        Assert.Equal(ErrorCodes.StorageQuotaExceeded, (await PutAsync(player, "b", $$"""{"p":"{{new string('x', 5)}}"}""", storage: storage)).Error?.Code); // +13 = 41
        Assert.True((await PutAsync(player, "a", $$"""{"p":"{{new string('x', 30)}}"}""", storage: storage)).IsSuccess); // replaced: 38
        Assert.Equal((38L, 1), await storage.GetUsageAsync(_title.Id, player));
        Assert.Equal(ErrorCodes.StorageQuotaExceeded, (await PutAsync(player, "a", $$"""{"p":"{{new string('x', 33)}}"}""", storage: storage)).Error?.Code);
    }

    [Fact]
    public async Task Many_concurrent_writers_never_overrun_the_quota()
    {
        var player = await NewPlayerAsync();
        var storage = new PlayerStorageService(_backend.Store, _backend.Time, new PlayerStorageLimits { MaxObjectsPerPlayer = 10, MaxBytesPerPlayer = 10_000 });
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => PutAsync(player, "key-" + i, $$"""{"i":{{i}}}""", storage: storage))));

        var written = results.Where(r => r.IsSuccess).ToArray();
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Contains(r.Error!.Code, new[] { ErrorCodes.StorageQuotaExceeded, ErrorCodes.Contention }));
        Assert.InRange(written.Length, 1, 10);
        var stored = (await storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 100)).Value.Objects;
        Assert.Equal(written.Length, stored.Count);
        var usage = await storage.GetUsageAsync(_title.Id, player);
        Assert.Equal(stored.Count, usage.Objects);
        Assert.Equal(stored.Sum(o => (long)o.Value.GetRawText().Length), usage.Bytes);
    }

    [Fact]
    public async Task Concurrent_unconditional_writes_of_one_key_keep_usage_exact()
    {
        var player = await NewPlayerAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => PutAsync(player, "same", $$"""{"p":"{{new string('x', i)}}"}"""))));

        Assert.All(results, r => Assert.True(r.IsSuccess || r.Error!.Code == ErrorCodes.Contention));
        var stored = (await _storage.GetAsync(_title.Id, player, "saves", "same", StorageCaller.Owner)).Value;
        Assert.Equal((stored.Value.GetRawText().Length, 1), await _storage.GetUsageAsync(_title.Id, player));
    }

    [Fact]
    public async Task Listing_pages_through_a_collection_in_key_order()
    {
        var player = await NewPlayerAsync();
        for (var i = 0; i < 5; i++)
        {
            await PutAsync(player, "k" + i, "{}");
        }

        await _storage.PutAsync(_title.Id, player, "other", "x", Write("{}"), StorageWriteCondition.None, StorageCaller.Owner);

        var first = (await _storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 2)).Value;
        Assert.Equal(["k0", "k1"], first.Objects.Select(o => o.Key));
        Assert.NotNull(first.Cursor);
        var second = (await _storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 2, first.Cursor)).Value;
        Assert.Equal(["k2", "k3"], second.Objects.Select(o => o.Key));
        var third = (await _storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 2, second.Cursor)).Value;
        Assert.Equal(["k4"], third.Objects.Select(o => o.Key));
        Assert.Null(third.Cursor);

        Assert.Equal(ErrorCodes.InvalidStoragePageLimit, (await _storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 0)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidStoragePageLimit, (await _storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 101)).Error?.Code);
        await Assert.ThrowsAsync<GameBackend.Core.Storage.InvalidContinuationTokenException>(() =>
            _storage.ListAsync(_title.Id, player, "saves", StorageCaller.Owner, 2, "garbage"));
    }
}
