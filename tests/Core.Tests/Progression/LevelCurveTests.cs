using GameBackend.Core.Progression;

namespace GameBackend.Core.Tests.Progression;

public sealed class LevelCurveTests
{
    private static readonly long[] Curve = [0, 100, 250, 500];

    [Theory]
    [InlineData(0, 1)]
    [InlineData(99, 1)]
    [InlineData(100, 2)]
    [InlineData(249, 2)]
    [InlineData(250, 3)]
    [InlineData(499, 3)]
    [InlineData(500, 4)]
    [InlineData(1_000_000, 4)]
    public void Level_starts_exactly_at_its_threshold_and_stops_at_the_max(long xp, int level) =>
        Assert.Equal(level, LevelCurve.LevelOf(Curve, xp));

    [Fact]
    public void Level_bounds_are_the_thresholds_and_the_max_level_has_no_next()
    {
        Assert.Equal(100, LevelCurve.StartOf(Curve, 2));
        Assert.Equal(250, LevelCurve.NextLevelStartOf(Curve, 2));
        Assert.Equal(500, LevelCurve.StartOf(Curve, 4));
        Assert.Null(LevelCurve.NextLevelStartOf(Curve, 4));
    }

    [Fact]
    public void A_single_threshold_curve_keeps_everyone_at_level_one()
    {
        Assert.Equal(1, LevelCurve.LevelOf([0], 0));
        Assert.Equal(1, LevelCurve.LevelOf([0], ProgressionRules.MaxTotalXp));
        Assert.Null(LevelCurve.NextLevelStartOf([0], 1));
    }

    [Fact]
    public void A_thousand_level_curve_finds_every_boundary()
    {
        var thresholds = Enumerable.Range(0, ProgressionRules.MaxLevels).Select(i => (long)i * i * 10).ToArray();
        for (var level = 1; level <= thresholds.Length; level++)
        {
            Assert.Equal(level, LevelCurve.LevelOf(thresholds, thresholds[level - 1]));
            if (level > 1)
            {
                Assert.Equal(level - 1, LevelCurve.LevelOf(thresholds, thresholds[level - 1] - 1));
            }
        }
    }
}
