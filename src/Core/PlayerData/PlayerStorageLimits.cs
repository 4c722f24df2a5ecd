namespace GameBackend.Core.PlayerData;

/// <summary>
/// How much one player may store. Bounded so one player cannot bloat the title's store or its bill, and small
/// enough per object that every store (DynamoDB's 400 KB item) holds an object with room to spare.
/// </summary>
public sealed record PlayerStorageLimits
{
    /// <summary>The defaults of every title: 16 KiB per object, 1 MiB and 1,000 objects per player.</summary>
    public static PlayerStorageLimits Default { get; } = new();

    public const int DefaultMaxValueBytes = 16 * 1024;
    public const int DefaultMaxValueDepth = 16;
    public const long DefaultMaxBytesPerPlayer = 1024 * 1024;
    public const int DefaultMaxObjectsPerPlayer = 1000;

    /// <summary>The largest value, measured as compact UTF-8 JSON.</summary>
    public int MaxValueBytes { get; init; } = DefaultMaxValueBytes;

    /// <summary>How deep objects and arrays may nest (deep nesting costs stack and time on every read).</summary>
    public int MaxValueDepth { get; init; } = DefaultMaxValueDepth;

    /// <summary>The sum of all of a player's value sizes.</summary>
    public long MaxBytesPerPlayer { get; init; } = DefaultMaxBytesPerPlayer;

    /// <summary>How many objects one player may hold across all collections.</summary>
    public int MaxObjectsPerPlayer { get; init; } = DefaultMaxObjectsPerPlayer;
}
