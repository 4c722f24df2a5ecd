using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Profiles;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Profiles;

public sealed class ProfileServiceTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private Title _title = null!;

    public async Task InitializeAsync() => _title = await _backend.CreateTitleAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Every_new_account_has_an_empty_profile()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);

        var profile = (await _backend.Profiles.GetAsync(_title.Id, signIn.PlayerId)).Value;

        Assert.Equal(signIn.PlayerId, profile.PlayerId);
        Assert.Null(profile.DisplayName);
        Assert.Null(profile.AvatarUrl);
        Assert.Null(profile.Locale);
        Assert.Null(profile.Metadata);
        Assert.False(string.IsNullOrEmpty(profile.Version));
    }

    [Fact]
    public async Task Unknown_players_have_no_profile()
    {
        var missing = await _backend.Profiles.GetAsync(_title.Id, Ids.NewId(_backend.Time));
        Assert.Equal(ErrorCodes.PlayerNotFound, missing.Error?.Code);
        Assert.Equal(ErrorKind.NotFound, missing.Error?.Kind);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Profiles.GetAsync(_title.Id, "not-an-id")).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Profiles.UpdateAsync(_title.Id, Ids.NewId(_backend.Time), new ProfileUpdate("Ann", null, null, null), null)).Error?.Code);
    }

    [Fact]
    public async Task An_account_without_a_profile_gets_an_empty_one()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);
        var key = GameBackend.Core.Accounts.AccountService.ProfileKey(_title.Id, signIn.PlayerId);
        var stored = await _backend.Store.GetAsync(key);
        await _backend.Store.DeleteAsync(key, stored!.Version);

        Assert.Null((await _backend.Profiles.GetAsync(_title.Id, signIn.PlayerId)).Value.DisplayName);
    }

    [Fact]
    public async Task Update_sets_the_given_members_and_keeps_the_others()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);
        using var metadata = JsonDocument.Parse("""{ "level": 3, "tags": [ "a", "b" ] }""");

        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        var first = (await _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId,
            new ProfileUpdate("  Ann Smith ", "https://cdn.example.com/a.png", "pt-BR", metadata.RootElement), null)).Value;

        Assert.Equal("Ann Smith", first.DisplayName);
        Assert.Equal("https://cdn.example.com/a.png", first.AvatarUrl);
        Assert.Equal("pt-BR", first.Locale);
        Assert.Equal("""{"level":3,"tags":["a","b"]}""", first.Metadata!.Value.GetRawText());
        Assert.Equal(_backend.Time.GetUtcNow(), first.UpdatedAt);

        var second = (await _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, new ProfileUpdate(null, "", null, null), first.Version)).Value;

        Assert.Equal("Ann Smith", second.DisplayName);
        Assert.Null(second.AvatarUrl); // an empty string clears
        Assert.Equal("pt-BR", second.Locale);
        Assert.Equal(first.Metadata!.Value.GetRawText(), second.Metadata!.Value.GetRawText());
        Assert.Equal(second, (await _backend.Profiles.GetAsync(_title.Id, signIn.PlayerId)).Value with { Metadata = second.Metadata });
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a name that is longer than 32 chars")]
    [InlineData("tab\there")]
    [InlineData("<script>")]
    [InlineData("smile 😀")]
    [InlineData("zero\u200Bwidth")]
    public async Task Bad_display_names_are_rejected(string displayName)
    {
        Assert.Equal(ErrorCodes.InvalidDisplayName, await UpdateErrorAsync(new ProfileUpdate(displayName, null, null, null)));
    }

    [Theory]
    [InlineData("Ann")]
    [InlineData("Zoë_the-2nd.")]
    [InlineData("東京 プレイヤー")]
    [InlineData("नमस्ते")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void Good_display_names_are_accepted(string displayName) => Assert.True(ProfileRules.NormalizeDisplayName(displayName).IsSuccess);

    [Theory]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("/relative/a.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://user:pass@example.com/a.png")]
    public async Task Bad_avatar_urls_are_rejected(string url)
    {
        Assert.Equal(ErrorCodes.InvalidAvatarUrl, await UpdateErrorAsync(new ProfileUpdate(null, url, null, null)));
        Assert.Equal(ErrorCodes.InvalidAvatarUrl, ProfileRules.NormalizeAvatarUrl("https://example.com/" + new string('a', 500)).Error?.Code);
    }

    [Theory]
    [InlineData("e")]
    [InlineData("en_US")]
    [InlineData("en-")]
    [InlineData("123")]
    [InlineData("en-verylongsubtag")]
    public async Task Bad_locales_are_rejected(string locale)
    {
        Assert.Equal(ErrorCodes.InvalidLocale, await UpdateErrorAsync(new ProfileUpdate(null, null, locale, null)));
        Assert.True(ProfileRules.NormalizeLocale("zh-Hant-TW").IsSuccess);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}""")]
    public async Task Bad_metadata_is_rejected(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(ErrorCodes.InvalidMetadata, await UpdateErrorAsync(new ProfileUpdate(null, null, null, document.RootElement)));
    }

    [Fact]
    public async Task Metadata_is_limited_to_four_kib_serialized_and_eight_levels()
    {
        using var eightDeep = JsonDocument.Parse("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}""");
        using var fits = JsonDocument.Parse($$"""{ "x" :   "{{new string('a', 4096 - 8)}}" }""");
        using var tooBig = JsonDocument.Parse($$"""{"x":"{{new string('a', 4096 - 7)}}"}""");

        Assert.True(ProfileRules.NormalizeMetadata(eightDeep.RootElement).IsSuccess);
        Assert.True(ProfileRules.NormalizeMetadata(fits.RootElement).IsSuccess); // whitespace does not count
        Assert.Equal(ErrorCodes.InvalidMetadata, ProfileRules.NormalizeMetadata(tooBig.RootElement).Error?.Code);
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_with_the_current_version()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);
        var original = (await _backend.Profiles.GetAsync(_title.Id, signIn.PlayerId)).Value;
        var updated = (await _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, new ProfileUpdate("Ann", null, null, null), original.Version)).Value;

        var conflict = await _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, new ProfileUpdate("Bob", null, null, null), original.Version);

        Assert.Equal(ErrorCodes.VersionConflict, conflict.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, conflict.Error?.Kind);
        Assert.Equal(updated.Version, conflict.Error!.Details!["currentVersion"]);
        Assert.Equal("Ann", (await _backend.Profiles.GetAsync(_title.Id, signIn.PlayerId)).Value.DisplayName);
    }

    [Fact]
    public async Task Concurrent_updates_without_a_version_are_all_applied()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);

        await Task.WhenAll(
            Task.Run(() => _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, new ProfileUpdate("Ann", null, null, null), null)),
            Task.Run(() => _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, new ProfileUpdate(null, "https://example.com/a.png", null, null), null)),
            Task.Run(() => _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, new ProfileUpdate(null, null, "en", null), null)));

        var profile = (await _backend.Profiles.GetAsync(_title.Id, signIn.PlayerId)).Value;
        Assert.Equal(("Ann", "https://example.com/a.png", "en"), (profile.DisplayName, profile.AvatarUrl, profile.Locale));
    }

    [Fact]
    public async Task Without_unique_names_two_players_may_share_one()
    {
        var (ann, _) = await _backend.SignInNewDeviceAsync(_title);
        var (bob, _) = await _backend.SignInNewDeviceAsync(_title);

        Assert.True((await _backend.Profiles.UpdateAsync(_title.Id, ann.PlayerId, new ProfileUpdate("Champion", null, null, null), null)).IsSuccess);
        Assert.True((await _backend.Profiles.UpdateAsync(_title.Id, bob.PlayerId, new ProfileUpdate("Champion", null, null, null), null)).IsSuccess);
    }

    [Fact]
    public async Task Unique_names_are_case_insensitive_and_released_when_changed()
    {
        var title = await _backend.CreateTitleAsync(new TitleSettings { UniqueDisplayNames = true });
        var (ann, _) = await _backend.SignInNewDeviceAsync(title);
        var (bob, _) = await _backend.SignInNewDeviceAsync(title);

        Assert.True((await _backend.Profiles.UpdateAsync(title.Id, ann.PlayerId, new ProfileUpdate("Champion", null, null, null), null)).IsSuccess);
        var taken = await _backend.Profiles.UpdateAsync(title.Id, bob.PlayerId, new ProfileUpdate("CHAMPION", null, null, null), null);
        Assert.Equal(ErrorCodes.DisplayNameTaken, taken.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, taken.Error?.Kind);

        // Ann may change the case of her own name, then move to another one, which frees "Champion".
        Assert.Equal("CHAMPION", (await _backend.Profiles.UpdateAsync(title.Id, ann.PlayerId, new ProfileUpdate("CHAMPION", null, null, null), null)).Value.DisplayName);
        Assert.True((await _backend.Profiles.UpdateAsync(title.Id, ann.PlayerId, new ProfileUpdate("Runner Up", null, null, null), null)).IsSuccess);
        Assert.True((await _backend.Profiles.UpdateAsync(title.Id, bob.PlayerId, new ProfileUpdate("champion", null, null, null), null)).IsSuccess);
        Assert.Equal(ErrorCodes.DisplayNameTaken, (await _backend.Profiles.UpdateAsync(title.Id, ann.PlayerId, new ProfileUpdate("Champion", null, null, null), null)).Error?.Code);
    }

    [Fact]
    public async Task Concurrent_claims_of_one_unique_name_give_it_to_exactly_one_player()
    {
        var title = await _backend.CreateTitleAsync(new TitleSettings { UniqueDisplayNames = true });
        var players = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            players.Add((await _backend.SignInNewDeviceAsync(title)).SignIn.PlayerId);
        }

        var results = await Task.WhenAll(players.Select(playerId =>
            Task.Run(() => _backend.Profiles.UpdateAsync(title.Id, playerId, new ProfileUpdate("Highlander", null, null, null), null))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.Equal(players.Count - 1, results.Count(r => r.Error?.Code == ErrorCodes.DisplayNameTaken));
    }

    [Fact]
    public async Task A_stale_reservation_is_taken_over_after_a_while()
    {
        var title = await _backend.CreateTitleAsync(new TitleSettings { UniqueDisplayNames = true });
        var (ann, _) = await _backend.SignInNewDeviceAsync(title);
        var (bob, _) = await _backend.SignInNewDeviceAsync(title);

        // What a process leaves when it dies after reserving the name and before writing Ann's profile.
        var reservation = JsonSerializer.SerializeToUtf8Bytes(new DisplayNameReservationDocument(ann.PlayerId, _backend.Time.GetUtcNow()), StoredDocumentJsonContext.Default.DisplayNameReservationDocument);
        await _backend.Store.CreateAsync(new NewItem(new ItemKey(title.Id, "display-name/orphan", "owner"), reservation));

        Assert.Equal(ErrorCodes.DisplayNameTaken, (await _backend.Profiles.UpdateAsync(title.Id, bob.PlayerId, new ProfileUpdate("Orphan", null, null, null), null)).Error?.Code);
        _backend.Time.Advance(ProfileService.StaleReservationAge + TimeSpan.FromSeconds(1));
        Assert.Equal("Orphan", (await _backend.Profiles.UpdateAsync(title.Id, bob.PlayerId, new ProfileUpdate("Orphan", null, null, null), null)).Value.DisplayName);
        Assert.Equal(ErrorCodes.DisplayNameTaken, (await _backend.Profiles.UpdateAsync(title.Id, ann.PlayerId, new ProfileUpdate("orphan", null, null, null), null)).Error?.Code);
    }

    private async Task<string?> UpdateErrorAsync(ProfileUpdate update)
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);
        var result = await _backend.Profiles.UpdateAsync(_title.Id, signIn.PlayerId, update, null);
        Assert.Equal(result.IsSuccess ? null : ErrorKind.Validation, result.Error?.Kind);
        return result.Error?.Code;
    }
}
