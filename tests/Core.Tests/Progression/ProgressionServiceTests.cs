using GameBackend.Core.Common;
using GameBackend.Core.Progression;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Progression;

public sealed class ProgressionServiceTests : IAsyncLifetime
{
    private static readonly ProgressionConfig Config = new(
        [0, 100, 250, 500],
        [
            new StatDefinition("kills", 0, 1_000_000, 0, ClientWritable: false, XpPerUnit: 10),
            new StatDefinition("jumps", 0, 100, 0, ClientWritable: true),
            new StatDefinition("temperature", -50, 50, 20),
        ],
        [
            new AchievementDefinition("first-blood", "First blood", new AchievementRule("kills", 1), Xp: 50),
            new AchievementDefinition("centurion", "Centurion", new AchievementRule("kills", 100)),
            new AchievementDefinition("beta-tester", "Beta tester", null, Xp: 5),
        ]);

    private readonly TestBackend _backend = new();
    private ProgressionService _progression = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _progression = new ProgressionService(_backend.Store, _backend.Time);
        _title = await _backend.CreateTitleAsync();
        Assert.True((await _progression.PutConfigAsync(_title.Id, Config, null)).IsSuccess);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_new_player_is_level_one_with_every_stat_at_its_default()
    {
        var player = await NewPlayerAsync();

        var progression = (await _progression.GetAsync(_title.Id, player)).Value;

        Assert.Equal(0, progression.Xp);
        Assert.Equal(1, progression.Level);
        Assert.Equal(0, progression.LevelStartXp);
        Assert.Equal(100, progression.NextLevelXp);
        Assert.Equal(new Dictionary<string, long> { ["kills"] = 0, ["jumps"] = 0, ["temperature"] = 20 }, progression.Stats);
        Assert.Empty(progression.Achievements);
        Assert.Null(progression.UpdatedAt);
    }

    [Fact]
    public async Task Unknown_players_and_players_of_another_title_are_not_found()
    {
        var otherTitle = await _backend.CreateTitleAsync(name: "Other");
        var (otherSignIn, _) = await _backend.SignInNewDeviceAsync(otherTitle);

        foreach (var playerId in new[] { Ids.NewId(_backend.Time), "not-an-id", otherSignIn.PlayerId })
        {
            Assert.Equal(ErrorCodes.PlayerNotFound, (await _progression.GetAsync(_title.Id, playerId)).Error?.Code);
            Assert.Equal(ErrorCodes.PlayerNotFound, (await _progression.GrantXpAsync(_title.Id, playerId, 10, null)).Error?.Code);
            Assert.Equal(ErrorCodes.PlayerNotFound, (await _progression.IncrementStatAsync(_title.Id, playerId, "kills", 1, ProgressionActor.Server)).Error?.Code);
            Assert.Equal(ErrorCodes.PlayerNotFound, (await _progression.UnlockAchievementAsync(_title.Id, playerId, "beta-tester")).Error?.Code);
        }

        Assert.Null(await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, otherSignIn.PlayerId)));
    }

    [Fact]
    public async Task A_title_without_a_config_has_the_default_one_level_curve()
    {
        var bare = await _backend.CreateTitleAsync(name: "Bare");
        var (signIn, _) = await _backend.SignInNewDeviceAsync(bare);

        var stored = await _progression.GetConfigAsync(bare.Id);
        Assert.Null(stored.Version);
        Assert.Equal([0L], stored.Config.LevelThresholds);

        var granted = (await _progression.GrantXpAsync(bare.Id, signIn.PlayerId, 1000, null)).Value;
        Assert.Equal(1, granted.Progression.Level);
        Assert.Null(granted.Progression.NextLevelXp);
        Assert.Equal(ErrorCodes.StatNotFound, (await _progression.IncrementStatAsync(bare.Id, signIn.PlayerId, "kills", 1, ProgressionActor.Server)).Error?.Code);
    }

    [Fact]
    public async Task Config_is_replaced_whole_and_a_stale_expected_version_is_a_conflict()
    {
        var first = await _progression.GetConfigAsync(_title.Id);
        Assert.NotNull(first.Version);
        Assert.Equal(3, first.Config.Stats.Count);

        var smaller = new ProgressionConfig([0, 10], [new StatDefinition("wins", 0, 10, 0)], []);
        var replaced = (await _progression.PutConfigAsync(_title.Id, smaller, first.Version)).Value;
        Assert.NotEqual(first.Version, replaced.Version);
        Assert.Equal("wins", Assert.Single((await _progression.GetConfigAsync(_title.Id)).Config.Stats).Name);

        var stale = await _progression.PutConfigAsync(_title.Id, Config, first.Version);
        Assert.Equal(ErrorCodes.VersionConflict, stale.Error?.Code);
        Assert.Equal(replaced.Version, stale.Error?.Details?["currentVersion"]);
        Assert.Equal("wins", Assert.Single((await _progression.GetConfigAsync(_title.Id)).Config.Stats).Name);
    }

    [Fact]
    public async Task An_invalid_config_is_refused_and_the_stored_one_stays()
    {
        var before = await _progression.GetConfigAsync(_title.Id);

        var invalid = await _progression.PutConfigAsync(_title.Id, Config with { LevelThresholds = [0, 50, 40] }, null);

        Assert.Equal(ErrorCodes.InvalidProgressionConfig, invalid.Error?.Code);
        Assert.Equal("levelThresholds[2]", invalid.Error?.Details?["path"]);
        Assert.Equal(before.Version, (await _progression.GetConfigAsync(_title.Id)).Version);
    }

    [Fact]
    public async Task Xp_grants_raise_the_level_at_each_threshold()
    {
        var player = await NewPlayerAsync();

        var at99 = (await _progression.GrantXpAsync(_title.Id, player, 99, "quest")).Value;
        Assert.Equal((99L, 1), (at99.Progression.Xp, at99.Progression.Level));
        Assert.Equal(99, at99.XpGranted);

        var at100 = (await _progression.GrantXpAsync(_title.Id, player, 1, null)).Value;
        Assert.Equal((100L, 2, 100L, 250L), (at100.Progression.Xp, at100.Progression.Level, at100.Progression.LevelStartXp, at100.Progression.NextLevelXp!.Value));

        var max = (await _progression.GrantXpAsync(_title.Id, player, 10_000, null)).Value;
        Assert.Equal(4, max.Progression.Level);
        Assert.Null(max.Progression.NextLevelXp);

        var grants = max.Progression.RecentXpGrants;
        Assert.Equal([99L, 1L, 10_000L], grants.Select(g => g.Amount));
        Assert.All(grants, g => Assert.Equal(XpSource.Server, g.Source));
        Assert.Equal("quest", grants[0].Detail);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(ProgressionRules.MaxXpPerGrant + 1)]
    public async Task Xp_grants_are_positive_and_bounded(long amount)
    {
        var player = await NewPlayerAsync();
        Assert.Equal(ErrorCodes.InvalidXpAmount, (await _progression.GrantXpAsync(_title.Id, player, amount, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidXpReason, (await _progression.GrantXpAsync(_title.Id, player, 1, new string('r', 129))).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidXpReason, (await _progression.GrantXpAsync(_title.Id, player, 1, "line\nbreak")).Error?.Code);
        Assert.Null(await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player)));
    }

    [Fact]
    public async Task Only_the_last_ten_grants_are_remembered()
    {
        var player = await NewPlayerAsync();
        for (var i = 1; i <= 12; i++)
        {
            await _progression.GrantXpAsync(_title.Id, player, i, null);
        }

        var progression = (await _progression.GetAsync(_title.Id, player)).Value;
        Assert.Equal(78, progression.Xp);
        Assert.Equal(Enumerable.Range(3, 10).Select(i => (long)i), progression.RecentXpGrants.Select(g => g.Amount));
    }

    [Fact]
    public async Task Total_xp_stops_at_the_maximum()
    {
        var config = new ProgressionConfig([0], [new StatDefinition("grind", 0, long.MaxValue, 0, XpPerUnit: ProgressionRules.MaxXpPerUnit)], []);
        var title = await _backend.CreateTitleAsync(name: "Grind");
        await _progression.PutConfigAsync(title.Id, config, null);
        var (signIn, _) = await _backend.SignInNewDeviceAsync(title);

        var first = (await _progression.IncrementStatAsync(title.Id, signIn.PlayerId, "grind", ProgressionRules.MaxIncrement, ProgressionActor.Server)).Value;
        Assert.Equal(ProgressionRules.MaxTotalXp, first.Progression.Xp);
        var second = (await _progression.IncrementStatAsync(title.Id, signIn.PlayerId, "grind", ProgressionRules.MaxIncrement, ProgressionActor.Server)).Value;
        Assert.Equal(ProgressionRules.MaxTotalXp, second.Progression.Xp);
        Assert.Equal(0, second.XpGranted);
    }

    [Fact]
    public async Task Increments_within_bounds_apply_and_out_of_range_ones_write_nothing()
    {
        var player = await NewPlayerAsync();
        Assert.Equal(100, (await _progression.IncrementStatAsync(_title.Id, player, "jumps", 100, ProgressionActor.Player)).Value.Progression.Stats["jumps"]);
        var stored = await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player));

        var over = await _progression.IncrementStatAsync(_title.Id, player, "jumps", 1, ProgressionActor.Player);
        Assert.Equal(ErrorCodes.StatOutOfRange, over.Error?.Code);
        Assert.Equal(ErrorKind.Validation, over.Error?.Kind);
        Assert.Equal("100", over.Error?.Details?["current"]);
        Assert.Equal("0", over.Error?.Details?["min"]);
        Assert.Equal("100", over.Error?.Details?["max"]);

        var under = await _progression.IncrementStatAsync(_title.Id, player, "temperature", -71, ProgressionActor.Server);
        Assert.Equal(ErrorCodes.StatOutOfRange, under.Error?.Code);
        Assert.Equal(stored!.Version, (await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player)))!.Version);

        Assert.Equal(-50, (await _progression.IncrementStatAsync(_title.Id, player, "temperature", -70, ProgressionActor.Server)).Value.Progression.Stats["temperature"]);
        Assert.Equal(60, (await _progression.IncrementStatAsync(_title.Id, player, "jumps", -40, ProgressionActor.Player)).Value.Progression.Stats["jumps"]);
    }

    [Fact]
    public async Task Increments_near_the_limits_of_a_long_do_not_overflow()
    {
        var title = await _backend.CreateTitleAsync(name: "Wide");
        await _progression.PutConfigAsync(title.Id, new ProgressionConfig([0], [new StatDefinition("wide", long.MinValue, long.MaxValue, long.MaxValue - 1)], []), null);
        var (signIn, _) = await _backend.SignInNewDeviceAsync(title);

        Assert.Equal(long.MaxValue, (await _progression.IncrementStatAsync(title.Id, signIn.PlayerId, "wide", 1, ProgressionActor.Server)).Value.Progression.Stats["wide"]);
        Assert.Equal(ErrorCodes.StatOutOfRange, (await _progression.IncrementStatAsync(title.Id, signIn.PlayerId, "wide", 1, ProgressionActor.Server)).Error?.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ProgressionRules.MaxIncrement + 1)]
    [InlineData(-ProgressionRules.MaxIncrement - 1)]
    public async Task Increments_are_non_zero_and_bounded(long by)
    {
        var player = await NewPlayerAsync();
        Assert.Equal(ErrorCodes.InvalidStatIncrement, (await _progression.IncrementStatAsync(_title.Id, player, "kills", by, ProgressionActor.Server)).Error?.Code);
    }

    [Fact]
    public async Task Players_may_change_only_client_writable_stats_and_unknown_stats_are_not_found()
    {
        var player = await NewPlayerAsync();

        var forbidden = await _progression.IncrementStatAsync(_title.Id, player, "kills", 1, ProgressionActor.Player);
        Assert.Equal(ErrorCodes.StatNotClientWritable, forbidden.Error?.Code);
        Assert.Equal(ErrorKind.Forbidden, forbidden.Error?.Kind);
        Assert.Null(await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player)));

        Assert.True((await _progression.IncrementStatAsync(_title.Id, player, "kills", 1, ProgressionActor.Server)).IsSuccess);
        Assert.Equal(ErrorCodes.StatNotFound, (await _progression.IncrementStatAsync(_title.Id, player, "deaths", 1, ProgressionActor.Server)).Error?.Code);
        Assert.Equal(ErrorCodes.StatNotFound, (await _progression.IncrementStatAsync(_title.Id, player, "KILLS", 1, ProgressionActor.Server)).Error?.Code);
    }

    [Fact]
    public async Task Sixty_four_parallel_increments_are_all_counted()
    {
        var player = await NewPlayerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ =>
            Task.Run(() => _progression.IncrementStatAsync(_title.Id, player, "jumps", 1, ProgressionActor.Player))));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Code));
        Assert.Equal(64, (await _progression.GetAsync(_title.Id, player)).Value.Stats["jumps"]);
        Assert.Equal(Enumerable.Range(1, 64).Select(i => (long)i), results.Select(r => r.Value.Progression.Stats["jumps"]).Order());
    }

    [Fact]
    public async Task Parallel_increments_and_grants_on_one_player_lose_nothing()
    {
        var player = await NewPlayerAsync();

        var work = Enumerable.Range(0, 64).Select(i => i % 2 == 0
            ? Task.Run(async () => (await _progression.IncrementStatAsync(_title.Id, player, "kills", 2, ProgressionActor.Server)).IsSuccess)
            : Task.Run(async () => (await _progression.GrantXpAsync(_title.Id, player, 3, null)).IsSuccess));
        Assert.All(await Task.WhenAll(work), Assert.True);

        var progression = (await _progression.GetAsync(_title.Id, player)).Value;
        Assert.Equal(64, progression.Stats["kills"]);
        // 32 grants of 3, 32 increments of 2 kills at 10 XP each, and first-blood's 50 once.
        Assert.Equal((32 * 3) + (64 * 10) + 50, progression.Xp);
    }

    [Fact]
    public async Task A_stat_rule_unlocks_its_achievement_once_with_its_xp()
    {
        var player = await NewPlayerAsync();

        var first = (await _progression.IncrementStatAsync(_title.Id, player, "kills", 1, ProgressionActor.Server)).Value;
        Assert.Equal(["first-blood"], first.NewlyUnlocked);
        Assert.Equal(10 + 50, first.XpGranted);
        Assert.Equal(_backend.Time.GetUtcNow(), first.Progression.Achievements["first-blood"]);
        Assert.Equal([XpSource.Stat, XpSource.Achievement], first.Progression.RecentXpGrants.Select(g => g.Source));

        _backend.Time.Advance(TimeSpan.FromMinutes(5));
        var second = (await _progression.IncrementStatAsync(_title.Id, player, "kills", 1, ProgressionActor.Server)).Value;
        Assert.Empty(second.NewlyUnlocked);
        Assert.Equal(10, second.XpGranted);
        Assert.Equal(first.Progression.Achievements["first-blood"], second.Progression.Achievements["first-blood"]);
    }

    [Fact]
    public async Task One_increment_that_crosses_several_rules_unlocks_them_together()
    {
        var player = await NewPlayerAsync();

        var change = (await _progression.IncrementStatAsync(_title.Id, player, "kills", 150, ProgressionActor.Server)).Value;

        Assert.Equal(["centurion", "first-blood"], change.NewlyUnlocked);
        Assert.Equal((150 * 10) + 50, change.Progression.Xp);
        Assert.Equal(4, change.Progression.Level);
    }

    [Fact]
    public async Task Decrements_grant_no_xp_and_unlock_nothing()
    {
        var player = await NewPlayerAsync();
        await _progression.IncrementStatAsync(_title.Id, player, "kills", 5, ProgressionActor.Server);

        var change = (await _progression.IncrementStatAsync(_title.Id, player, "kills", -3, ProgressionActor.Server)).Value;

        Assert.Equal(0, change.XpGranted);
        Assert.Equal(2, change.Progression.Stats["kills"]);
        Assert.Equal((5 * 10) + 50, change.Progression.Xp);
    }

    [Fact]
    public async Task Unlocking_twice_answers_the_original_time_and_grants_xp_once()
    {
        var player = await NewPlayerAsync();
        var unlockedAt = _backend.Time.GetUtcNow();

        var first = (await _progression.UnlockAchievementAsync(_title.Id, player, "beta-tester")).Value;
        Assert.False(first.AlreadyUnlocked);
        Assert.Equal(unlockedAt, first.UnlockedAt);
        Assert.Equal(5, first.XpGranted);

        _backend.Time.Advance(TimeSpan.FromHours(1));
        var stored = await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player));
        var again = (await _progression.UnlockAchievementAsync(_title.Id, player, "beta-tester")).Value;
        Assert.True(again.AlreadyUnlocked);
        Assert.Equal(unlockedAt, again.UnlockedAt);
        Assert.Equal(0, again.XpGranted);
        Assert.Equal(5, again.Progression.Xp);
        Assert.Equal(stored!.Version, (await _backend.Store.GetAsync(ProgressionService.ProgressionKey(_title.Id, player)))!.Version);

        Assert.Equal(ErrorCodes.AchievementNotFound, (await _progression.UnlockAchievementAsync(_title.Id, player, "no-such-thing")).Error?.Code);
        Assert.Equal(ErrorCodes.AchievementNotFound, (await _progression.UnlockAchievementAsync(_title.Id, player, "Not Valid")).Error?.Code);
    }

    [Fact]
    public async Task Parallel_unlocks_all_answer_the_same_unlock_time_and_grant_xp_once()
    {
        var player = await NewPlayerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            if (i == 16)
            {
                _backend.Time.Advance(TimeSpan.FromSeconds(1));
            }

            return (await _progression.UnlockAchievementAsync(_title.Id, player, "beta-tester")).Value;
        })));

        Assert.Single(results, r => !r.AlreadyUnlocked);
        Assert.Single(results.Select(r => r.UnlockedAt).Distinct());
        Assert.Equal(5, (await _progression.GetAsync(_title.Id, player)).Value.Xp);
    }

    [Fact]
    public async Task Reshaping_the_curve_or_the_bounds_applies_to_existing_players_on_read()
    {
        var player = await NewPlayerAsync();
        await _progression.GrantXpAsync(_title.Id, player, 300, null);
        await _progression.IncrementStatAsync(_title.Id, player, "jumps", 80, ProgressionActor.Player);
        Assert.Equal(3, (await _progression.GetAsync(_title.Id, player)).Value.Level);

        var reshaped = await _progression.PutConfigAsync(_title.Id, new ProgressionConfig(
            [0, 10, 20, 30, 40, 50],
            [new StatDefinition("jumps", 0, 50, 0, ClientWritable: true)],
            []), null);
        Assert.True(reshaped.IsSuccess, reshaped.Error?.Message);

        var after = (await _progression.GetAsync(_title.Id, player)).Value;
        Assert.Equal(6, after.Level);
        Assert.Equal(50, after.Stats["jumps"]);
        Assert.Equal(["jumps"], after.Stats.Keys);
        Assert.Equal(40, (await _progression.IncrementStatAsync(_title.Id, player, "jumps", -10, ProgressionActor.Player)).Value.Progression.Stats["jumps"]);
    }

    private async Task<string> NewPlayerAsync() => (await _backend.SignInNewDeviceAsync(_title)).SignIn.PlayerId;
}
