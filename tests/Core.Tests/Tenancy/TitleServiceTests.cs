using System.Text.RegularExpressions;
using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Tenancy;

public sealed class TitleServiceTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Create_makes_keys_of_the_documented_shape_and_stores_only_the_server_key_hash()
    {
        var created = (await _backend.Titles.CreateAsync("  Space Race ", CellType.Shared, null)).Value;

        var title = created.Title;
        Assert.True(Ids.IsWellFormed(title.Id));
        Assert.Equal("Space Race", title.Name);
        Assert.Matches(new Regex($"^gbc_{title.Id}_[A-Za-z0-9_-]{{43}}$"), title.ClientKey);
        Assert.Matches(new Regex($"^gbs_{title.Id}_[A-Za-z0-9_-]{{43}}$"), created.ServerKey);
        Assert.DoesNotContain(created.ServerKey, title.ServerKeyHash, StringComparison.Ordinal);
        var key = Assert.Single(title.SigningKeys);
        Assert.Equal(32, key.Secret.Length);
        Assert.Null(key.RetiredAt);

        var stored = await _backend.Titles.FindAsync(title.Id, refresh: true);
        Assert.NotNull(stored);
        Assert.Equal(title.ClientKey, stored.ClientKey);
        Assert.Equal(title.ServerKeyHash, stored.ServerKeyHash);
        Assert.Equal(900, stored.Settings.AccessTokenLifetimeSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\u0001name")]
    [InlineData("a name that is far too long for any title, because it goes on and on and on")]
    public async Task Create_rejects_bad_names(string name)
    {
        var result = await _backend.Titles.CreateAsync(name, CellType.Dedicated, null);

        Assert.Equal(ErrorCodes.InvalidTitleName, result.Error?.Code);
        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
    }

    [Theory]
    [InlineData(10, 3600, 0, ErrorCodes.InvalidAccessTokenLifetime)]
    [InlineData(100_000, 3_000_000, 0, ErrorCodes.InvalidAccessTokenLifetime)]
    [InlineData(900, 60, 0, ErrorCodes.InvalidRefreshTokenLifetime)]
    [InlineData(7200, 3600, 0, ErrorCodes.InvalidRefreshTokenLifetime)]
    [InlineData(900, 3600, -1, ErrorCodes.InvalidRateLimit)]
    public async Task Create_and_update_reject_bad_settings(int accessSeconds, int refreshSeconds, int requestsPerSecond, string code)
    {
        var settings = new TitleSettings
        {
            AccessTokenLifetimeSeconds = accessSeconds,
            RefreshTokenLifetimeSeconds = refreshSeconds,
            RequestsPerSecond = requestsPerSecond,
        };

        Assert.Equal(code, (await _backend.Titles.CreateAsync("Game", CellType.Dedicated, settings)).Error?.Code);
        var title = await _backend.CreateTitleAsync();
        Assert.Equal(code, (await _backend.Titles.UpdateSettingsAsync(title.Id, settings)).Error?.Code);
    }

    [Fact]
    public async Task Update_settings_persists_and_unknown_title_is_not_found()
    {
        var title = await _backend.CreateTitleAsync();

        var updated = await _backend.Titles.UpdateSettingsAsync(title.Id, new TitleSettings { UniqueDisplayNames = true, RequestsPerSecond = 50 });

        Assert.True(updated.Value.Settings.UniqueDisplayNames);
        Assert.NotEqual(title.Version, updated.Value.Version);
        var reread = await new TitleService(_backend.Store, _backend.Time).FindAsync(title.Id);
        Assert.Equal(50, reread!.Settings.RequestsPerSecond);
        Assert.Equal(ErrorCodes.TitleNotFound, (await _backend.Titles.UpdateSettingsAsync(Ids.NewId(_backend.Time), new TitleSettings())).Error?.Code);
    }

    [Fact]
    public async Task Client_key_authenticates_only_its_own_title()
    {
        var title = await _backend.CreateTitleAsync();
        var other = await _backend.CreateTitleAsync();

        Assert.Equal(title.Id, (await _backend.Titles.AuthenticateClientKeyAsync(title.ClientKey)).Value.Id);
        Assert.Equal(other.Id, (await _backend.Titles.AuthenticateClientKeyAsync(other.ClientKey)).Value.Id);

        // Right title id, wrong secret part; and another title's secret under this title's id.
        var wrongSecret = title.ClientKey[..^4] + "AAAA";
        var mixed = $"gbc_{title.Id}_{other.ClientKey[37..]}";
        foreach (var key in new[] { wrongSecret, mixed })
        {
            var result = await _backend.Titles.AuthenticateClientKeyAsync(key);
            Assert.Equal(ErrorCodes.InvalidClientKey, result.Error?.Code);
            Assert.Equal(ErrorKind.Unauthorized, result.Error?.Kind);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("gbc_")]
    [InlineData("not a key at all")]
    [InlineData("gbc_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("gbc_0123456789ABCDEF0123456789ABCDEF_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Garbage_client_keys_are_rejected(string? key)
    {
        await _backend.CreateTitleAsync();

        Assert.Equal(ErrorCodes.InvalidClientKey, (await _backend.Titles.AuthenticateClientKeyAsync(key)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidServerKey, (await _backend.Titles.AuthenticateServerKeyAsync(key)).Error?.Code);
    }

    [Fact]
    public async Task Server_key_authenticates_its_title_and_client_key_is_no_server_key()
    {
        var created = (await _backend.Titles.CreateAsync("Game", CellType.Enterprise, null)).Value;
        var other = (await _backend.Titles.CreateAsync("Other", CellType.Enterprise, null)).Value;

        Assert.Equal(created.Title.Id, (await _backend.Titles.AuthenticateServerKeyAsync(created.ServerKey)).Value.Id);
        Assert.Equal(ErrorCodes.InvalidServerKey, (await _backend.Titles.AuthenticateServerKeyAsync(created.Title.ClientKey)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidServerKey, (await _backend.Titles.AuthenticateServerKeyAsync($"gbs_{created.Title.Id}_{other.ServerKey[37..]}")).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidClientKey, (await _backend.Titles.AuthenticateClientKeyAsync(created.ServerKey)).Error?.Code);
    }

    [Fact]
    public async Task Rotating_the_server_key_invalidates_the_old_one_on_every_host()
    {
        var created = (await _backend.Titles.CreateAsync("Game", CellType.Dedicated, null)).Value;
        var otherHost = new TitleService(_backend.Store, _backend.Time);
        Assert.True((await otherHost.AuthenticateServerKeyAsync(created.ServerKey)).IsSuccess); // cached there now

        var rotated = (await _backend.Titles.RotateServerKeyAsync(created.Title.Id)).Value;

        Assert.NotEqual(created.ServerKey, rotated.ServerKey);
        Assert.True((await _backend.Titles.AuthenticateServerKeyAsync(rotated.ServerKey)).IsSuccess);
        Assert.False((await _backend.Titles.AuthenticateServerKeyAsync(created.ServerKey)).IsSuccess);
        // The other host still caches the old title, but a key it does not recognize makes it look again.
        Assert.True((await otherHost.AuthenticateServerKeyAsync(rotated.ServerKey)).IsSuccess);
        Assert.False((await otherHost.AuthenticateServerKeyAsync(created.ServerKey)).IsSuccess);
    }

    [Fact]
    public async Task Find_serves_from_cache_until_the_ttl_or_a_refresh()
    {
        var title = await _backend.CreateTitleAsync();
        var otherHost = new TitleService(_backend.Store, _backend.Time);
        Assert.False((await otherHost.FindAsync(title.Id))!.Settings.UniqueDisplayNames);

        await _backend.Titles.UpdateSettingsAsync(title.Id, new TitleSettings { UniqueDisplayNames = true });

        Assert.False((await otherHost.FindAsync(title.Id))!.Settings.UniqueDisplayNames);
        Assert.True((await otherHost.FindAsync(title.Id, refresh: true))!.Settings.UniqueDisplayNames);

        await _backend.Titles.UpdateSettingsAsync(title.Id, new TitleSettings());
        _backend.Time.Advance(TitleService.CacheTimeToLive + TimeSpan.FromSeconds(1));
        Assert.False((await otherHost.FindAsync(title.Id))!.Settings.UniqueDisplayNames);
        Assert.Null(await otherHost.FindAsync(Ids.NewId(_backend.Time)));
        Assert.Null(await otherHost.FindAsync("../not-an-id"));
    }

    [Fact]
    public async Task Concurrent_updates_are_not_lost()
    {
        var title = await _backend.CreateTitleAsync();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _backend.Titles.RotateSigningKeyAsync(title.Id)));

        var stored = await _backend.Titles.FindAsync(title.Id, refresh: true);
        Assert.Equal(SigningKeyRing.MaxActiveKeys, stored!.SigningKeys.Count(k => k.RetiredAt is null));
        Assert.Equal(4, stored.SigningKeys.Count);
    }
}
