using System.Text.Json.Serialization;
using GameBackend.Core.Progression;

namespace GameBackend.Api.Progression;

/// <summary>A title's progression config; PUT replaces it whole, so the three lists are required (they may be empty).</summary>
public sealed record ProgressionConfigDocument
{
    /// <summary>Total XP at which each level starts: [0, level 2, level 3, …], strictly ascending, at most 1,000.</summary>
    [JsonRequired]
    public required IReadOnlyList<long> LevelThresholds { get; init; }

    [JsonRequired]
    public required IReadOnlyList<StatDefinitionDocument> Stats { get; init; }

    [JsonRequired]
    public required IReadOnlyList<AchievementDefinitionDocument> Achievements { get; init; }

    public static ProgressionConfigDocument From(ProgressionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new()
        {
            LevelThresholds = config.LevelThresholds,
            Stats = config.Stats.Select(StatDefinitionDocument.From).ToList(),
            Achievements = config.Achievements.Select(AchievementDefinitionDocument.From).ToList(),
        };
    }

    /// <summary>A null list element (JSON allows one) stays null, so Core's validation answers it as a 400, not a crash.</summary>
    public ProgressionConfig ToConfig() => new(
        LevelThresholds,
        Stats.Select(s => s?.ToDefinition()!).ToList(),
        Achievements.Select(a => a?.ToDefinition()!).ToList());
}

/// <summary>A stat: name, inclusive bounds and default are required; clientWritable and xpPerUnit are optional (false, 0).</summary>
public sealed record StatDefinitionDocument
{
    [JsonRequired]
    public required string Name { get; init; }

    [JsonRequired]
    public required long Min { get; init; }

    [JsonRequired]
    public required long Max { get; init; }

    [JsonRequired]
    public required long Default { get; init; }

    /// <summary>True lets players increment the stat themselves; by default only the studio's server may.</summary>
    public bool ClientWritable { get; init; }

    /// <summary>XP granted per unit of a positive increment.</summary>
    public long XpPerUnit { get; init; }

    public static StatDefinitionDocument From(StatDefinition stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        return new() { Name = stat.Name, Min = stat.Min, Max = stat.Max, Default = stat.Default, ClientWritable = stat.ClientWritable, XpPerUnit = stat.XpPerUnit };
    }

    public StatDefinition ToDefinition() => new(Name, Min, Max, Default, ClientWritable, XpPerUnit);
}

/// <summary>An achievement: id and name are required; unlockWhen (null = server only) and xp (0) are optional.</summary>
public sealed record AchievementDefinitionDocument
{
    [JsonRequired]
    public required string Id { get; init; }

    [JsonRequired]
    public required string Name { get; init; }

    public AchievementRuleDocument? UnlockWhen { get; init; }

    /// <summary>XP granted with the unlock.</summary>
    public long Xp { get; init; }

    public static AchievementDefinitionDocument From(AchievementDefinition achievement)
    {
        ArgumentNullException.ThrowIfNull(achievement);
        return new()
        {
            Id = achievement.Id,
            Name = achievement.Name,
            UnlockWhen = achievement.UnlockWhen is { } rule ? new AchievementRuleDocument { Stat = rule.Stat, AtLeast = rule.AtLeast } : null,
            Xp = achievement.Xp,
        };
    }

    public AchievementDefinition ToDefinition() =>
        new(Id, Name, UnlockWhen is { } rule ? new AchievementRule(rule.Stat, rule.AtLeast) : null, Xp);
}

/// <summary>Unlock automatically when the stat reaches at least this value.</summary>
public sealed record AchievementRuleDocument
{
    [JsonRequired]
    public required string Stat { get; init; }

    [JsonRequired]
    public required long AtLeast { get; init; }
}

public sealed record StatIncrementRequest
{
    /// <summary>Non-zero, within ±1,000,000,000; negative decrements.</summary>
    [JsonRequired]
    public required long By { get; init; }
}

public sealed record XpGrantRequest
{
    /// <summary>1–1,000,000,000.</summary>
    [JsonRequired]
    public required long Amount { get; init; }

    /// <summary>Remembered with the grant (at most 128 characters).</summary>
    public string? Reason { get; init; }
}

public sealed record XpGrantResponse(long Amount, string Source, string? Detail, DateTimeOffset GrantedAt)
{
    public static XpGrantResponse From(XpGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return new(grant.Amount, grant.Source switch
        {
            XpSource.Server => "server",
            XpSource.Stat => "stat",
            XpSource.Achievement => "achievement",
            _ => "unknown",
        }, grant.Detail, grant.GrantedAt);
    }
}

/// <summary>The player's own (or, for the studio's server, any player's) progression: everything it holds.</summary>
public sealed record ProgressionResponse(
    string PlayerId,
    long Xp,
    int Level,
    long LevelStartXp,
    long? NextLevelXp,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyDictionary<string, DateTimeOffset> Achievements,
    IReadOnlyList<XpGrantResponse> RecentXpGrants,
    DateTimeOffset? UpdatedAt)
{
    public static ProgressionResponse From(PlayerProgression progression)
    {
        ArgumentNullException.ThrowIfNull(progression);
        return new(
            progression.PlayerId,
            progression.Xp,
            progression.Level,
            progression.LevelStartXp,
            progression.NextLevelXp,
            progression.Stats,
            progression.Achievements,
            progression.RecentXpGrants.Select(XpGrantResponse.From).ToList(),
            progression.UpdatedAt);
    }
}

/// <summary>What other players see: the level and the achievements, not the stats or XP details.</summary>
public sealed record PublicProgressionResponse(string PlayerId, int Level, IReadOnlyDictionary<string, DateTimeOffset> Achievements)
{
    public static PublicProgressionResponse From(PlayerProgression progression)
    {
        ArgumentNullException.ThrowIfNull(progression);
        return new(progression.PlayerId, progression.Level, progression.Achievements);
    }
}

/// <summary>The answer to a change: the XP it granted, the achievements it unlocked, and the progression after it.</summary>
public sealed record ProgressionChangeResponse(long XpGranted, IReadOnlyList<string> NewlyUnlocked, ProgressionResponse Progression)
{
    public static ProgressionChangeResponse From(ProgressionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(change.XpGranted, change.NewlyUnlocked, ProgressionResponse.From(change.Progression));
    }
}

/// <summary>The answer to an unlock; a repeat answers alreadyUnlocked = true with the original unlockedAt.</summary>
public sealed record AchievementUnlockResponse(string AchievementId, DateTimeOffset UnlockedAt, bool AlreadyUnlocked, long XpGranted, ProgressionResponse Progression)
{
    public static AchievementUnlockResponse From(AchievementUnlock unlock)
    {
        ArgumentNullException.ThrowIfNull(unlock);
        return new(unlock.AchievementId, unlock.UnlockedAt, unlock.AlreadyUnlocked, unlock.XpGranted, ProgressionResponse.From(unlock.Progression));
    }
}
