using System.Globalization;
using GameBackend.Core.Common;

namespace GameBackend.Core.Progression;

/// <summary>
/// What a progression config and its inputs may be. The limits keep the config item and each player's
/// progression item far below the store's item size, and keep every sum of XP and stat values inside a long.
/// </summary>
public static class ProgressionRules
{
    /// <summary>The highest level a curve may have (its number of thresholds).</summary>
    public const int MaxLevels = 1000;
    public const int MaxStats = 200;
    public const int MaxAchievements = 200;
    public const int MaxNameLength = 64;
    public const int MaxAchievementNameLength = 128;

    /// <summary>The most XP one call (a server grant, or one achievement) may give.</summary>
    public const long MaxXpPerGrant = 1_000_000_000;

    /// <summary>The largest stat increment or decrement of one call.</summary>
    public const long MaxIncrement = 1_000_000_000;

    /// <summary>The most XP one unit of a stat may grant; with <see cref="MaxIncrement"/> a call grants at most 10^15.</summary>
    public const long MaxXpPerUnit = 1_000_000;

    /// <summary>
    /// A player's total XP stops here (10^15): every sum of it with one call's grants stays far inside a long,
    /// and no real game gets near it.
    /// </summary>
    public const long MaxTotalXp = 1_000_000_000_000_000;

    public const int MaxXpReasonLength = 128;

    /// <summary>How many recent XP grants a player's progression remembers (for support and debugging).</summary>
    public const int RecentXpGrants = 10;

    /// <summary>True for 1–64 characters of [a-z0-9_.-]: stat names and achievement ids travel in URL paths.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength }
        && name.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_.-") < 0;

    /// <summary>Null when the config is valid; otherwise an "invalid_progression_config" error whose "path" detail names the member.</summary>
    public static Error? Check(ProgressionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return CheckCurve(config.LevelThresholds) ?? CheckStats(config.Stats) ?? CheckAchievements(config.Achievements, config);
    }

    /// <summary>The trimmed reason (null when empty), or "invalid_xp_reason".</summary>
    public static Result<string?> NormalizeXpReason(string? reason)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return Result<string?>.Success(null);
        }

        return trimmed.Length > MaxXpReasonLength || trimmed.Any(char.IsControl)
            ? Error.Validation(ErrorCodes.InvalidXpReason, $"An XP reason is at most {MaxXpReasonLength} characters without control characters.")
            : trimmed;
    }

    private static Error? CheckCurve(IReadOnlyList<long>? thresholds)
    {
        if (thresholds is null || thresholds.Count is < 1 or > MaxLevels)
        {
            return Invalid("levelThresholds", $"The level curve has 1–{MaxLevels} thresholds (one per level).");
        }

        if (thresholds[0] != 0)
        {
            return Invalid("levelThresholds[0]", "Level 1 starts at 0 XP, so the first threshold is 0.");
        }

        for (var i = 1; i < thresholds.Count; i++)
        {
            if (thresholds[i] <= thresholds[i - 1] || thresholds[i] > MaxTotalXp)
            {
                return Invalid($"levelThresholds[{i}]", $"Thresholds are strictly ascending and at most {MaxTotalXp}.");
            }
        }

        return null;
    }

    private static Error? CheckStats(IReadOnlyList<StatDefinition>? stats)
    {
        if (stats is null || stats.Count > MaxStats)
        {
            return Invalid("stats", $"A title defines at most {MaxStats} stats.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stats.Count; i++)
        {
            var stat = stats[i];
            var path = $"stats[{i}]";
            if (stat is null)
            {
                return Invalid(path, "A stat definition is an object.");
            }

            if (!IsValidName(stat.Name))
            {
                return Invalid(path + ".name", $"A stat name is 1–{MaxNameLength} characters of a-z, 0-9, '_', '.', '-'.");
            }

            if (!names.Add(stat.Name))
            {
                return Invalid(path + ".name", $"The stat name \"{stat.Name}\" is defined twice.");
            }

            if (stat.Min > stat.Max)
            {
                return Invalid(path + ".max", "A stat's max is not below its min.");
            }

            if (stat.Default < stat.Min || stat.Default > stat.Max)
            {
                return Invalid(path + ".default", "A stat's default lies within [min, max].");
            }

            if (stat.XpPerUnit is < 0 or > MaxXpPerUnit)
            {
                return Invalid(path + ".xpPerUnit", $"XP per unit is 0–{MaxXpPerUnit}.");
            }
        }

        return null;
    }

    private static Error? CheckAchievements(IReadOnlyList<AchievementDefinition>? achievements, ProgressionConfig config)
    {
        if (achievements is null || achievements.Count > MaxAchievements)
        {
            return Invalid("achievements", $"A title defines at most {MaxAchievements} achievements.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < achievements.Count; i++)
        {
            var achievement = achievements[i];
            var path = $"achievements[{i}]";
            if (achievement is null)
            {
                return Invalid(path, "An achievement definition is an object.");
            }

            if (!IsValidName(achievement.Id))
            {
                return Invalid(path + ".id", $"An achievement id is 1–{MaxNameLength} characters of a-z, 0-9, '_', '.', '-'.");
            }

            if (!ids.Add(achievement.Id))
            {
                return Invalid(path + ".id", $"The achievement id \"{achievement.Id}\" is defined twice.");
            }

            var name = achievement.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > MaxAchievementNameLength || name.Any(char.IsControl))
            {
                return Invalid(path + ".name", $"An achievement name is 1–{MaxAchievementNameLength} characters without control characters.");
            }

            if (achievement.Xp is < 0 or > MaxXpPerGrant)
            {
                return Invalid(path + ".xp", $"An achievement grants 0–{MaxXpPerGrant} XP.");
            }

            if (achievement.UnlockWhen is { } rule)
            {
                var stat = rule.Stat is null ? null : config.FindStat(rule.Stat);
                if (stat is null)
                {
                    return Invalid(path + ".unlockWhen.stat", $"The rule names the stat \"{rule.Stat}\", which the config does not define.");
                }

                if (rule.AtLeast < stat.Min || rule.AtLeast > stat.Max)
                {
                    return Invalid(path + ".unlockWhen.atLeast",
                        string.Create(CultureInfo.InvariantCulture, $"The rule can never fire: {rule.AtLeast} lies outside the stat's bounds [{stat.Min}, {stat.Max}]."));
                }
            }
        }

        return null;
    }

    private static Error Invalid(string path, string message) =>
        Error.Validation(ErrorCodes.InvalidProgressionConfig, message) with
        {
            Details = new Dictionary<string, string>(1, StringComparer.Ordinal) { ["path"] = path },
        };
}
