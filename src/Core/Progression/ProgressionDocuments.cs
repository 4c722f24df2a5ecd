namespace GameBackend.Core.Progression;

/// <summary>The stored config at (title, "progression", "config"); absent until the studio first saves one.</summary>
internal sealed record ProgressionConfigDocument(ProgressionConfig Config, DateTimeOffset UpdatedAt);

/// <summary>
/// A player's progression at (title, "player/{playerId}", "progression"): one item, so a stat change, the XP
/// it grants and the achievements it unlocks commit together or not at all. Stats never changed are absent
/// (they hold their default); values of stats the config no longer defines are kept, so re-adding restores them.
/// </summary>
internal sealed record PlayerProgressionDocument(
    long Xp,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyDictionary<string, DateTimeOffset> Achievements,
    IReadOnlyList<XpGrant> RecentXpGrants,
    DateTimeOffset? UpdatedAt)
{
    public static PlayerProgressionDocument Empty { get; } = new(
        0,
        new Dictionary<string, long>(StringComparer.Ordinal),
        new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal),
        [],
        null);
}
