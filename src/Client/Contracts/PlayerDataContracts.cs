using System;
using System.Collections.Generic;
using System.Text.Json;

namespace GameBackend.Client;

/// <summary>One stored object (a cloud save). <see cref="Version"/> is also its ETag.</summary>
public sealed record StorageObject(
    string PlayerId,
    string Collection,
    string Key,
    JsonElement Value,
    string ReadPermission,
    string WritePermission,
    DateTimeOffset UpdatedAt,
    string Version);

/// <summary>A page of a collection; pass <see cref="Cursor"/> back for the next page (null on the last).</summary>
public sealed record StorageObjectPage(IReadOnlyList<StorageObject> Objects, string? Cursor);

/// <summary>
/// When a storage write applies: always, only while the object is at a version (If-Match), or only when it
/// does not exist yet (If-None-Match: *). A failed condition is a 409 <c>version_conflict</c>.
/// </summary>
public readonly struct StorageCondition : IEquatable<StorageCondition>
{
    private StorageCondition(string? version, bool ifAbsent)
    {
        ExpectedVersion = version;
        IfAbsent = ifAbsent;
    }

    /// <summary>Write whatever is stored.</summary>
    public static StorageCondition None => default;

    /// <summary>Create only: fail if the object exists.</summary>
    public static StorageCondition Absent => new(null, true);

    public string? ExpectedVersion { get; }

    public bool IfAbsent { get; }

    /// <summary>Write only if the object is still at <paramref name="version"/> (the one read).</summary>
    public static StorageCondition AtVersion(string version) => new(version, false);

    public static bool operator ==(StorageCondition left, StorageCondition right) => left.Equals(right);

    public static bool operator !=(StorageCondition left, StorageCondition right) => !left.Equals(right);

    public bool Equals(StorageCondition other) => ExpectedVersion == other.ExpectedVersion && IfAbsent == other.IfAbsent;

    public override bool Equals(object? obj) => obj is StorageCondition other && Equals(other);

    public override int GetHashCode() => (ExpectedVersion?.GetHashCode(StringComparison.Ordinal) ?? 0) ^ (IfAbsent ? 1 : 0);
}

/// <summary>Who may read a stored object ("owner" or "public") and write it ("owner" or "server").</summary>
public static class StoragePermissions
{
    public const string Owner = "owner";
    public const string Public = "public";
    public const string Server = "server";
}

internal sealed record PutStorageObjectRequest(JsonElement Value, string? ReadPermission, string? WritePermission);

/// <summary>A leaderboard record; <see cref="Rank"/> is 1-based and board-wide (also in the friends view).</summary>
public sealed record LeaderboardRecord(string PlayerId, long Rank, double Score, JsonElement? Metadata, DateTimeOffset UpdatedAt);

/// <summary>Records in rank order; <see cref="NextCursor"/> continues a top-N listing; <see cref="Total"/> counts the period's records.</summary>
public sealed record LeaderboardRecordPage(string LeaderboardId, string PeriodId, IReadOnlyList<LeaderboardRecord> Records, string? NextCursor, long Total);

internal sealed record SubmitScoreRequest(double Score, JsonElement? Metadata);

/// <summary>An XP grant: source is "server", "stat" or "achievement".</summary>
public sealed record XpGrant(long Amount, string Source, string? Detail, DateTimeOffset GrantedAt);

/// <summary>The player's own progression: XP, level, stats, unlocked achievements.</summary>
public sealed record Progression(
    string PlayerId,
    long Xp,
    int Level,
    long LevelStartXp,
    long? NextLevelXp,
    IReadOnlyDictionary<string, long> Stats,
    IReadOnlyDictionary<string, DateTimeOffset> Achievements,
    IReadOnlyList<XpGrant> RecentXpGrants,
    DateTimeOffset? UpdatedAt);

/// <summary>What other players see of a player's progression.</summary>
public sealed record PublicProgression(string PlayerId, int Level, IReadOnlyDictionary<string, DateTimeOffset> Achievements);

/// <summary>The answer to a stat increment: XP granted, achievements unlocked, and the progression after it.</summary>
public sealed record ProgressionChange(long XpGranted, IReadOnlyList<string> NewlyUnlocked, Progression Progression);

internal sealed record StatIncrementRequest(long By);
