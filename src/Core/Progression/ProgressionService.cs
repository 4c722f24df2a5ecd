using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Progression;

/// <summary>
/// Per-title progression config, and each player's XP, stats and achievements (validation: bounds, grant sizes,
/// who may write which stat).
/// </summary>
/// <remarks>
/// Every change is a read-modify-write of the player's one progression item with the version it read, retried
/// when another writer won, so parallel increments never lose an update. A stat change, the XP its rule grants
/// and the achievements it unlocks are one write: a player never holds the unlock without the XP, or the reverse.
/// </remarks>
public sealed class ProgressionService
{
    /// <summary>
    /// Enough for a burst of parallel writers on one player (the tests run 64) to all get through: each round
    /// lets at least one win, and the jittered back-off spreads the rest out.
    /// </summary>
    private const int MaxWriteAttempts = 100;

    private const string ConfigPartition = "progression";
    private const string ConfigSortKey = "config";
    private const string ProgressionSortKey = "progression";

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;

    public ProgressionService(IDocumentStore store, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The title's config, or <see cref="ProgressionConfig.Default"/> (with no version) when it never saved one.</summary>
    public async Task<StoredProgressionConfig> GetConfigAsync(string titleId, CancellationToken ct = default)
    {
        var item = await _store.GetAsync(ConfigKey(titleId), ct);
        if (item is null)
        {
            return new StoredProgressionConfig(ProgressionConfig.Default, null, null);
        }

        var document = Deserialize(item, StoredDocumentJsonContext.Default.ProgressionConfigDocument);
        return new StoredProgressionConfig(document.Config, item.Version, document.UpdatedAt);
    }

    /// <summary>
    /// Replaces the config after checking it; with <paramref name="expectedVersion"/>, only if the stored config is
    /// still at that version ("version_conflict" otherwise). Players' stored values are not touched: the new
    /// bounds and curve apply when their progression is next read or changed.
    /// </summary>
    public async Task<Result<StoredProgressionConfig>> PutConfigAsync(string titleId, ProgressionConfig config, string? expectedVersion, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (ProgressionRules.Check(config) is { } invalid)
        {
            return invalid;
        }

        var normalized = config with
        {
            Achievements = config.Achievements.Select(a => a with { Name = a.Name.Trim() }).ToList(),
        };
        var key = ConfigKey(titleId);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await _store.GetAsync(key, ct);
            if (expectedVersion is not null && !string.Equals(expectedVersion, current?.Version, StringComparison.Ordinal))
            {
                return VersionConflict("The progression config changed since it was read.", current?.Version);
            }

            var now = _time.GetUtcNow();
            var body = JsonSerializer.SerializeToUtf8Bytes(new ProgressionConfigDocument(normalized, now), StoredDocumentJsonContext.Default.ProgressionConfigDocument);
            var written = current is null
                ? await _store.CreateAsync(new NewItem(key, body), ct)
                : await _store.ReplaceAsync(new NewItem(key, body), current.Version, ct);
            if (written.Succeeded)
            {
                return new StoredProgressionConfig(normalized, written.Version, now);
            }
        }

        return Contention();
    }

    /// <summary>A player's progression; "player_not_found" when the title has no such player.</summary>
    public async Task<Result<PlayerProgression>> GetAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        if (!Ids.IsWellFormed(playerId))
        {
            return PlayerNotFound();
        }

        var config = (await GetConfigAsync(titleId, ct)).Config;
        var current = await ReadAsync(titleId, playerId, ct);
        return current is null ? PlayerNotFound() : View(playerId, config, current.Document);
    }

    /// <summary>Adds 1–10^9 XP from the studio's server; the optional reason is remembered with the grant.</summary>
    public async Task<Result<ProgressionChange>> GrantXpAsync(string titleId, string playerId, long amount, string? reason, CancellationToken ct = default)
    {
        if (amount is < 1 or > ProgressionRules.MaxXpPerGrant)
        {
            return Error.Validation(ErrorCodes.InvalidXpAmount, $"An XP grant is 1–{ProgressionRules.MaxXpPerGrant}.");
        }

        var normalizedReason = ProgressionRules.NormalizeXpReason(reason);
        if (!normalizedReason.IsSuccess)
        {
            return normalizedReason.Error;
        }

        var applied = await ApplyAsync(titleId, playerId, null, (_, document, now) =>
            AddXp(document, amount, XpSource.Server, normalizedReason.Value, now), ct);
        return applied.IsSuccess ? applied.Value.ToChange(playerId) : applied.Error;
    }

    /// <summary>
    /// Adds <paramref name="by"/> (±1–10^9, not 0) to a stat. The result must stay within the stat's bounds
    /// ("stat_out_of_range", nothing written). Players may change only client-writable stats. A positive increment
    /// grants the stat's XP per unit, and unlocks every achievement whose rule the new value meets.
    /// </summary>
    public async Task<Result<ProgressionChange>> IncrementStatAsync(
        string titleId, string playerId, string statName, long by, ProgressionActor actor, CancellationToken ct = default)
    {
        if (by == 0 || by < -ProgressionRules.MaxIncrement || by > ProgressionRules.MaxIncrement)
        {
            return Error.Validation(ErrorCodes.InvalidStatIncrement, $"An increment is a non-zero whole number within ±{ProgressionRules.MaxIncrement}.");
        }

        var config = (await GetConfigAsync(titleId, ct)).Config;
        var stat = ProgressionRules.IsValidName(statName) ? config.FindStat(statName) : null;
        if (stat is null)
        {
            return Error.NotFound(ErrorCodes.StatNotFound, "The title defines no stat with this name.");
        }

        if (actor == ProgressionActor.Player && !stat.ClientWritable)
        {
            return Error.Forbidden(ErrorCodes.StatNotClientWritable, "Only the studio's server may change this stat.");
        }

        var applied = await ApplyAsync(titleId, playerId, config, (_, document, now) => Increment(config, stat, document, by, now), ct);
        return applied.IsSuccess ? applied.Value.ToChange(playerId) : applied.Error;
    }

    /// <summary>
    /// Unlocks an achievement and grants its XP, once. Unlocking again succeeds without writing and answers the
    /// original unlock time, so a server may retry freely.
    /// </summary>
    public async Task<Result<AchievementUnlock>> UnlockAchievementAsync(string titleId, string playerId, string achievementId, CancellationToken ct = default)
    {
        var config = (await GetConfigAsync(titleId, ct)).Config;
        var achievement = ProgressionRules.IsValidName(achievementId) ? config.FindAchievement(achievementId) : null;
        if (achievement is null)
        {
            return Error.NotFound(ErrorCodes.AchievementNotFound, "The title defines no achievement with this id.");
        }

        var applied = await ApplyAsync(titleId, playerId, config, (_, document, now) =>
            document.Achievements.ContainsKey(achievement.Id) ? null : Unlock(document, [achievement], now), ct);
        if (!applied.IsSuccess)
        {
            return applied.Error;
        }

        var change = applied.Value;
        return new AchievementUnlock(
            achievement.Id,
            change.After.Achievements[achievement.Id],
            change.Before.Achievements.ContainsKey(achievement.Id),
            change.After.Xp - change.Before.Xp,
            View(playerId, change.Config, change.After));
    }

    internal static ItemKey ConfigKey(string titleId) => new(titleId, ConfigPartition, ConfigSortKey);

    internal static ItemKey ProgressionKey(string titleId, string playerId) => new(titleId, AccountService.PlayerPartition(playerId), ProgressionSortKey);

    /// <summary>
    /// Reads, changes and writes the player's progression with the version it read, again and again until the
    /// write wins. <paramref name="change"/> is pure: it returns the next document, null for "nothing to write"
    /// (an idempotent repeat), or an error, and may run several times.
    /// </summary>
    private async Task<Result<AppliedChange>> ApplyAsync(
        string titleId,
        string playerId,
        ProgressionConfig? config,
        Func<ProgressionConfig, PlayerProgressionDocument, DateTimeOffset, Result<PlayerProgressionDocument?>> change,
        CancellationToken ct)
    {
        if (!Ids.IsWellFormed(playerId))
        {
            return PlayerNotFound();
        }

        config ??= (await GetConfigAsync(titleId, ct)).Config;
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await ReadAsync(titleId, playerId, ct);
            if (current is null)
            {
                return PlayerNotFound();
            }

            var now = _time.GetUtcNow();
            var planned = change(config, current.Document, now);
            if (!planned.IsSuccess)
            {
                return planned.Error;
            }

            if (planned.Value is not { } next)
            {
                return new AppliedChange(config, current.Document, current.Document);
            }

            next = next with { UpdatedAt = now };
            if (await TryWriteAsync(titleId, playerId, current, next, ct))
            {
                return new AppliedChange(config, current.Document, next);
            }

            await BackOffAsync(attempt, ct);
        }

        return Contention();
    }

    /// <summary>
    /// Replaces the item at the version read; the first write creates it together with a check that the account
    /// still exists (same partition), so progression is never made for a player deleted meanwhile.
    /// </summary>
    private async Task<bool> TryWriteAsync(string titleId, string playerId, StoredProgression current, PlayerProgressionDocument next, CancellationToken ct)
    {
        var item = new NewItem(ProgressionKey(titleId, playerId), JsonSerializer.SerializeToUtf8Bytes(next, StoredDocumentJsonContext.Default.PlayerProgressionDocument));
        if (current.Version is { } version)
        {
            return (await _store.ReplaceAsync(item, version, ct)).Succeeded;
        }

        var created = await _store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Check(AccountService.AccountKey(titleId, playerId), current.AccountVersion!),
            new TransactionOperation.Create(item),
        ]), ct);
        return created.Committed;
    }

    /// <summary>
    /// Real time on purpose, not the injected clock: back-off spreads out writers that are racing right now, and a
    /// test's frozen clock must not stall it. Jittered and capped, so the retries of a burst do not collide again.
    /// </summary>
    private static Task BackOffAsync(int attempt, CancellationToken ct)
    {
        var ceilingMs = Math.Min(1 << Math.Min(attempt, 5), 32);
        return Task.Delay(Random.Shared.Next(0, ceilingMs + 1), ct);
    }

    /// <summary>The stored progression (an empty one when the account exists without it), or null when there is no such player.</summary>
    private async Task<StoredProgression?> ReadAsync(string titleId, string playerId, CancellationToken ct)
    {
        var item = await _store.GetAsync(ProgressionKey(titleId, playerId), ct);
        if (item is not null)
        {
            return new StoredProgression(Deserialize(item, StoredDocumentJsonContext.Default.PlayerProgressionDocument), item.Version, null);
        }

        var account = await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct);
        return account is null ? null : new StoredProgression(PlayerProgressionDocument.Empty, null, account.Version);
    }

    private static Result<PlayerProgressionDocument?> Increment(ProgressionConfig config, StatDefinition stat, PlayerProgressionDocument document, long by, DateTimeOffset now)
    {
        var current = stat.Effective(document.Stats.TryGetValue(stat.Name, out var stored) ? stored : null);
        var next = (Int128)current + by;
        if (next < stat.Min || next > stat.Max)
        {
            return Error.Validation(ErrorCodes.StatOutOfRange,
                string.Create(CultureInfo.InvariantCulture, $"The stat would leave its bounds [{stat.Min}, {stat.Max}]; it stays at {current}.")) with
            {
                Details = new Dictionary<string, string>(3, StringComparer.Ordinal)
                {
                    ["current"] = current.ToString(CultureInfo.InvariantCulture),
                    ["min"] = stat.Min.ToString(CultureInfo.InvariantCulture),
                    ["max"] = stat.Max.ToString(CultureInfo.InvariantCulture),
                },
            };
        }

        var value = (long)next;
        var stats = new Dictionary<string, long>(document.Stats, StringComparer.Ordinal) { [stat.Name] = value };
        var changed = document with { Stats = stats };
        if (by > 0 && stat.XpPerUnit > 0)
        {
            changed = AddXp(changed, by * stat.XpPerUnit, XpSource.Stat, stat.Name, now);
        }

        var reached = config.Achievements
            .Where(a => a.UnlockWhen is { } rule
                && string.Equals(rule.Stat, stat.Name, StringComparison.Ordinal)
                && value >= rule.AtLeast
                && !changed.Achievements.ContainsKey(a.Id))
            .ToList();
        return reached.Count == 0 ? changed : Unlock(changed, reached, now);
    }

    private static PlayerProgressionDocument Unlock(PlayerProgressionDocument document, IReadOnlyList<AchievementDefinition> achievements, DateTimeOffset now)
    {
        var unlocked = new Dictionary<string, DateTimeOffset>(document.Achievements, StringComparer.Ordinal);
        var changed = document;
        foreach (var achievement in achievements)
        {
            unlocked[achievement.Id] = now;
            if (achievement.Xp > 0)
            {
                changed = AddXp(changed, achievement.Xp, XpSource.Achievement, achievement.Id, now);
            }
        }

        return changed with { Achievements = unlocked };
    }

    /// <summary>Adds XP (saturating at <see cref="ProgressionRules.MaxTotalXp"/>) and remembers the grant.</summary>
    private static PlayerProgressionDocument AddXp(PlayerProgressionDocument document, long amount, XpSource source, string? detail, DateTimeOffset now)
    {
        var xp = Math.Min(ProgressionRules.MaxTotalXp, document.Xp + amount);
        var grants = document.RecentXpGrants
            .Append(new XpGrant(amount, source, detail, now))
            .TakeLast(ProgressionRules.RecentXpGrants)
            .ToList();
        return document with { Xp = xp, RecentXpGrants = grants };
    }

    private static PlayerProgression View(string playerId, ProgressionConfig config, PlayerProgressionDocument document)
    {
        var stats = new Dictionary<string, long>(config.Stats.Count, StringComparer.Ordinal);
        foreach (var stat in config.Stats)
        {
            stats[stat.Name] = stat.Effective(document.Stats.TryGetValue(stat.Name, out var stored) ? stored : null);
        }

        var level = LevelCurve.LevelOf(config.LevelThresholds, document.Xp);
        return new PlayerProgression(
            playerId,
            document.Xp,
            level,
            LevelCurve.StartOf(config.LevelThresholds, level),
            LevelCurve.NextLevelStartOf(config.LevelThresholds, level),
            stats,
            document.Achievements,
            document.RecentXpGrants,
            document.UpdatedAt);
    }

    private static T Deserialize<T>(StoredItem item, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(item.Body, typeInfo) ?? throw new InvalidDataException($"Item {item.Key} holds no {typeof(T).Name}.");

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    private static Error Contention() => Error.Unavailable(ErrorCodes.Contention, "The progression kept changing while it was being updated; retry.");

    private static Error VersionConflict(string message, string? currentVersion) =>
        Error.Conflict(ErrorCodes.VersionConflict, message) with
        {
            Details = currentVersion is null ? null : new Dictionary<string, string>(1, StringComparer.Ordinal) { ["currentVersion"] = currentVersion },
        };

    /// <summary>What was read (with its version; for an absent item, the account's version the create checks).</summary>
    private sealed record StoredProgression(PlayerProgressionDocument Document, string? Version, string? AccountVersion);

    private sealed record AppliedChange(ProgressionConfig Config, PlayerProgressionDocument Before, PlayerProgressionDocument After)
    {
        public ProgressionChange ToChange(string playerId) => new(
            View(playerId, Config, After),
            After.Xp - Before.Xp,
            After.Achievements.Keys.Where(id => !Before.Achievements.ContainsKey(id)).Order(StringComparer.Ordinal).ToList());
    }
}
