using GameBackend.Core.Common;
using GameBackend.Core.Progression;

namespace GameBackend.Core.Tests.Progression;

public sealed class ProgressionRulesTests
{
    private static readonly StatDefinition Kills = new("kills", 0, 1000, 0);

    public static TheoryData<string, ProgressionConfig, string> InvalidConfigs => new()
    {
        { "empty curve", new ProgressionConfig([], [], []), "levelThresholds" },
        { "curve not starting at 0", new ProgressionConfig([10, 20], [], []), "levelThresholds[0]" },
        { "curve not ascending", new ProgressionConfig([0, 100, 100], [], []), "levelThresholds[2]" },
        { "curve descending", new ProgressionConfig([0, 100, 50], [], []), "levelThresholds[2]" },
        { "curve above max XP", new ProgressionConfig([0, ProgressionRules.MaxTotalXp + 1], [], []), "levelThresholds[1]" },
        { "too many levels", new ProgressionConfig(Enumerable.Range(0, ProgressionRules.MaxLevels + 1).Select(i => (long)i).ToArray(), [], []), "levelThresholds" },
        { "stat name with capitals", new ProgressionConfig([0], [Kills with { Name = "Kills" }], []), "stats[0].name" },
        { "stat name empty", new ProgressionConfig([0], [Kills with { Name = "" }], []), "stats[0].name" },
        { "stat name too long", new ProgressionConfig([0], [Kills with { Name = new string('a', 65) }], []), "stats[0].name" },
        { "stat name with a slash", new ProgressionConfig([0], [Kills with { Name = "a/b" }], []), "stats[0].name" },
        { "duplicate stat", new ProgressionConfig([0], [Kills, Kills], []), "stats[1].name" },
        { "min above max", new ProgressionConfig([0], [Kills with { Min = 10, Max = 5, Default = 7 }], []), "stats[0].max" },
        { "default below min", new ProgressionConfig([0], [Kills with { Default = -1 }], []), "stats[0].default" },
        { "default above max", new ProgressionConfig([0], [Kills with { Default = 1001 }], []), "stats[0].default" },
        { "negative xp per unit", new ProgressionConfig([0], [Kills with { XpPerUnit = -1 }], []), "stats[0].xpPerUnit" },
        { "xp per unit too large", new ProgressionConfig([0], [Kills with { XpPerUnit = ProgressionRules.MaxXpPerUnit + 1 }], []), "stats[0].xpPerUnit" },
        { "bad achievement id", new ProgressionConfig([0], [], [new AchievementDefinition("First Blood", "First blood")]), "achievements[0].id" },
        { "duplicate achievement", new ProgressionConfig([0], [], [new AchievementDefinition("a", "A"), new AchievementDefinition("a", "B")]), "achievements[1].id" },
        { "blank achievement name", new ProgressionConfig([0], [], [new AchievementDefinition("a", "  ")]), "achievements[0].name" },
        { "achievement name too long", new ProgressionConfig([0], [], [new AchievementDefinition("a", new string('n', 129))]), "achievements[0].name" },
        { "achievement xp too large", new ProgressionConfig([0], [], [new AchievementDefinition("a", "A", null, ProgressionRules.MaxXpPerGrant + 1)]), "achievements[0].xp" },
        { "rule on an unknown stat", new ProgressionConfig([0], [Kills], [new AchievementDefinition("a", "A", new AchievementRule("deaths", 1))]), "achievements[0].unlockWhen.stat" },
        { "rule that can never fire", new ProgressionConfig([0], [Kills], [new AchievementDefinition("a", "A", new AchievementRule("kills", 1001))]), "achievements[0].unlockWhen.atLeast" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Invalid_configs_name_the_member_that_breaks_a_rule(string why, ProgressionConfig config, string path)
    {
        var error = ProgressionRules.Check(config);
        Assert.True(error is not null, why);
        Assert.Equal(ErrorCodes.InvalidProgressionConfig, error.Code);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal(path, error.Details?["path"]);
    }

    [Fact]
    public void A_full_config_at_the_limits_is_valid()
    {
        var stats = Enumerable.Range(0, ProgressionRules.MaxStats)
            .Select(i => new StatDefinition($"stat.{i}", long.MinValue, long.MaxValue, 0, i % 2 == 0, ProgressionRules.MaxXpPerUnit))
            .ToList();
        var achievements = Enumerable.Range(0, ProgressionRules.MaxAchievements)
            .Select(i => new AchievementDefinition($"achievement-{i}", new string('n', ProgressionRules.MaxAchievementNameLength), new AchievementRule("stat.0", i), ProgressionRules.MaxXpPerGrant))
            .ToList();
        var thresholds = Enumerable.Range(0, ProgressionRules.MaxLevels).Select(i => (long)i * 1000).ToArray();

        Assert.Null(ProgressionRules.Check(new ProgressionConfig(thresholds, stats, achievements)));
        Assert.Null(ProgressionRules.Check(ProgressionConfig.Default));
    }

    [Theory]
    [InlineData("kills", true)]
    [InlineData("a.b_c-9", true)]
    [InlineData("", false)]
    [InlineData("Kills", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void Names_are_lowercase_ascii_with_dots_underscores_and_hyphens(string name, bool valid) =>
        Assert.Equal(valid, ProgressionRules.IsValidName(name));
}
