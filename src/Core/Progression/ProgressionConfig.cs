namespace GameBackend.Core.Progression;

/// <summary>
/// A title's progression rules: the level curve, the stats players have, and the achievements they can earn.
/// One stored item per title, replaced as a whole, so a studio reasons about one document instead of many
/// partial edits; <see cref="ProgressionRules.Check"/> keeps every stored config valid.
/// </summary>
/// <param name="LevelThresholds">
/// Total XP needed for each level: entry 0 is level 1 and is always 0; entry n is the XP at which level n+1
/// starts. Strictly ascending, at most <see cref="ProgressionRules.MaxLevels"/> entries (the max level).
/// </param>
/// <param name="Stats">The named counters; a player's stat that was never changed holds its default.</param>
/// <param name="Achievements">What players can unlock, once each.</param>
public sealed record ProgressionConfig(
    IReadOnlyList<long> LevelThresholds,
    IReadOnlyList<StatDefinition> Stats,
    IReadOnlyList<AchievementDefinition> Achievements)
{
    /// <summary>What a title has before it configures anything: one level, no stats, no achievements.</summary>
    public static ProgressionConfig Default { get; } = new([0], [], []);

    /// <summary>The stat with this name, or null (names are case-sensitive, like every id in the API).</summary>
    public StatDefinition? FindStat(string name)
    {
        foreach (var stat in Stats)
        {
            if (string.Equals(stat.Name, name, StringComparison.Ordinal))
            {
                return stat;
            }
        }

        return null;
    }

    /// <summary>The achievement with this id, or null.</summary>
    public AchievementDefinition? FindAchievement(string id)
    {
        foreach (var achievement in Achievements)
        {
            if (string.Equals(achievement.Id, id, StringComparison.Ordinal))
            {
                return achievement;
            }
        }

        return null;
    }
}

/// <summary>
/// A named counter with inclusive bounds. Values are whole numbers (long) so increments are exact; an
/// increment that would leave [<see cref="Min"/>, <see cref="Max"/>] is refused rather than clamped, so a
/// game never believes it recorded more than it did.
/// </summary>
/// <param name="Name">1–64 characters of [a-z0-9_.-]; it appears in URL paths.</param>
/// <param name="Min">The lowest value (inclusive).</param>
/// <param name="Max">The highest value (inclusive).</param>
/// <param name="Default">The value of a player who never changed the stat; within the bounds.</param>
/// <param name="ClientWritable">
/// True lets players increment the stat themselves (Bearer); false (the default) keeps it for the studio's
/// servers, because anything a client may write, a cheating client may write too.
/// </param>
/// <param name="XpPerUnit">XP granted per unit of a positive increment (0 = none); decrements never take XP away.</param>
public sealed record StatDefinition(string Name, long Min, long Max, long Default, bool ClientWritable = false, long XpPerUnit = 0)
{
    /// <summary>A stored value seen through the current bounds: narrowing the bounds clamps old values instead of stranding them.</summary>
    public long Effective(long? stored) => Math.Clamp(stored ?? Default, Min, Max);
}

/// <summary>Something a player unlocks once, with the XP the unlock grants.</summary>
/// <param name="Id">1–64 characters of [a-z0-9_.-]; it appears in URL paths.</param>
/// <param name="Name">What players see: 1–128 characters.</param>
/// <param name="UnlockWhen">Unlocks automatically when its stat reaches the value; null = only the studio's server unlocks it.</param>
/// <param name="Xp">XP granted with the unlock (0 = none).</param>
public sealed record AchievementDefinition(string Id, string Name, AchievementRule? UnlockWhen = null, long Xp = 0);

/// <summary>"Stat <see cref="Stat"/> ≥ <see cref="AtLeast"/>": checked whenever that stat changes.</summary>
public sealed record AchievementRule(string Stat, long AtLeast);

/// <summary>A config with the version of its item; <see cref="Version"/> is null while the title uses <see cref="ProgressionConfig.Default"/>.</summary>
public sealed record StoredProgressionConfig(ProgressionConfig Config, string? Version, DateTimeOffset? UpdatedAt);
