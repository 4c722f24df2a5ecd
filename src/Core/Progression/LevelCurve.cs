namespace GameBackend.Core.Progression;

/// <summary>
/// Levels are derived from total XP through the title's thresholds on every read, never stored, so a studio
/// that reshapes its curve re-levels every player at once without a migration.
/// </summary>
public static class LevelCurve
{
    /// <summary>The level of <paramref name="xp"/>: the number of thresholds at or below it (at least 1).</summary>
    public static int LevelOf(IReadOnlyList<long> thresholds, long xp)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        int low = 0, high = thresholds.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (thresholds[middle] <= xp)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return Math.Max(1, low);
    }

    /// <summary>The total XP at which <paramref name="level"/> starts.</summary>
    public static long StartOf(IReadOnlyList<long> thresholds, int level)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return thresholds[Math.Clamp(level, 1, thresholds.Count) - 1];
    }

    /// <summary>The total XP at which the level after <paramref name="level"/> starts; null at the max level.</summary>
    public static long? NextLevelStartOf(IReadOnlyList<long> thresholds, int level)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        return level >= thresholds.Count ? null : thresholds[level];
    }
}
