namespace GameBackend.Core.Progression;

/// <summary>
/// A player's progression as the title's current config sees it: the level comes from the curve, and every
/// defined stat is listed (its default when never changed, clamped into its current bounds).
/// </summary>
/// <param name="PlayerId">The player.</param>
/// <param name="Xp">Total XP ever granted (at most <see cref="ProgressionRules.MaxTotalXp"/>).</param>
/// <param name="Level">The level of <paramref name="Xp"/> on the title's current curve.</param>
/// <param name="LevelStartXp">The total XP at which <see cref="Level"/> started.</param>
/// <param name="NextLevelXp">The total XP at which the next level starts; null at the max level.</param>
/// <param name="Stats">Every stat the config defines, by name.</param>
/// <param name="Achievements">Every unlocked achievement with the moment it was first unlocked.</param>
/// <param name="RecentXpGrants">The latest grants, oldest first (at most <see cref="ProgressionRules.RecentXpGrants"/>).</param>
/// <param name="UpdatedAt">The last change; null while nothing was ever recorded for the player.</param>
public sealed record PlayerProgression(
    string PlayerId,
    long Xp,
    int Level,
    long LevelStartXp,
    long? NextLevelXp,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyDictionary<string, DateTimeOffset> Achievements,
    IReadOnlyList<XpGrant> RecentXpGrants,
    DateTimeOffset? UpdatedAt);

/// <summary>Where XP came from: the studio's server, or one of the title's rules.</summary>
public enum XpSource
{
    /// <summary>Granted through the admin API; <see cref="XpGrant.Detail"/> is the reason given, if any.</summary>
    Server,
    /// <summary>A stat's XP-per-unit rule; <see cref="XpGrant.Detail"/> is the stat name.</summary>
    Stat,
    /// <summary>An achievement's XP on unlock; <see cref="XpGrant.Detail"/> is the achievement id.</summary>
    Achievement,
}

/// <summary>One XP grant, remembered so a studio can answer "why is my level what it is?".</summary>
public sealed record XpGrant(long Amount, XpSource Source, string? Detail, DateTimeOffset GrantedAt);

/// <summary>Who asks for a stat increment; players may only change stats the config marks client-writable.</summary>
public enum ProgressionActor
{
    /// <summary>A signed-in player changing their own progression.</summary>
    Player,
    /// <summary>The studio's server (server key).</summary>
    Server,
}

/// <summary>The outcome of a change: the progression after it, the XP it granted, and what it unlocked.</summary>
public sealed record ProgressionChange(PlayerProgression Progression, long XpGranted, IReadOnlyList<string> NewlyUnlocked);

/// <summary>
/// The outcome of an unlock. Unlocking is idempotent: when <see cref="AlreadyUnlocked"/> is true nothing was
/// written and <see cref="UnlockedAt"/> is the original unlock time.
/// </summary>
public sealed record AchievementUnlock(string AchievementId, DateTimeOffset UnlockedAt, bool AlreadyUnlocked, long XpGranted, PlayerProgression Progression);
