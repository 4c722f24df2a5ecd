namespace GameBackend.Core.Leaderboards;

/// <summary>
/// One ranked set: a leaderboard's period in a title. <see cref="PeriodKey"/> is the service's internal key of the
/// period (it includes the board's generation, so a board deleted and created again starts empty).
/// <see cref="SortOrder"/> is fixed for the life of the set.
/// </summary>
public readonly record struct RankBoard(string TitleId, string BoardId, string PeriodKey, LeaderboardSortOrder SortOrder);

/// <summary>
/// What the index holds of one player's record: the score as stored, the record's <see cref="Revision"/> (its
/// write count in the store, so an older write never overwrites a newer one in the index), when it was written,
/// and its metadata (compact UTF-8 JSON, or null), so a top-N read never touches the store.
/// </summary>
public sealed record RankedRecord(string PlayerId, double Score, long Revision, DateTimeOffset UpdatedAt, byte[]? Metadata);

/// <summary>A record with its position: <see cref="Rank"/> is 0-based (0 = first place), as in Redis.</summary>
public readonly record struct RankedEntry(long Rank, RankedRecord Record);

/// <summary>
/// The rank-index port: per (title, board, period) an ordered set of players by score, answering the questions a
/// store cannot answer cheaply (what is my rank, who is around me, the top N). The document store stays the source of
/// truth: every value in an index was written to the store first, and an index can always be rebuilt from the store,
/// so an index may be lost (process restart, Redis flush or eviction) at any time.
/// </summary>
/// <remarks>
/// <para>Order: by score (ascending or descending per board), ties by player id in ordinal order (earlier UUIDv7 ids,
/// i.e. older accounts, first). Both implementations order identically, so a host may switch between them.</para>
/// <para>Ranks are 0-based here; the HTTP API shows them 1-based.</para>
/// <para>Writes are conditional on <see cref="RankedRecord.Revision"/>: a record replaces the player's entry only
/// when its revision is higher. Index updates that race (two submissions, or a submission and a rebuild) may
/// therefore arrive in any order and the index still ends with the store's latest value.</para>
/// </remarks>
public interface IRankIndex
{
    /// <summary>
    /// True when the set was fully loaded (by <see cref="RebuildAsync"/>) and not lost since. When false, the caller
    /// rebuilds before trusting ranks; entries written meanwhile are kept.
    /// </summary>
    ValueTask<bool> IsPopulatedAsync(RankBoard board, CancellationToken ct = default);

    /// <summary>Sets the player's entry if <paramref name="record"/> is newer (higher revision); true when it was applied.</summary>
    ValueTask<bool> SetAsync(RankBoard board, RankedRecord record, CancellationToken ct = default);

    /// <summary>Removes the player's entry; true when there was one.</summary>
    ValueTask<bool> RemoveAsync(RankBoard board, string playerId, CancellationToken ct = default);

    /// <summary>The player's entry with its rank, or null when the player has none.</summary>
    ValueTask<RankedEntry?> GetAsync(RankBoard board, string playerId, CancellationToken ct = default);

    /// <summary>Up to <paramref name="count"/> entries from rank <paramref name="offset"/> on, in rank order.</summary>
    ValueTask<IReadOnlyList<RankedEntry>> RangeAsync(RankBoard board, long offset, int count, CancellationToken ct = default);

    /// <summary>
    /// The player's entry and up to <paramref name="radius"/> entries on each side of it (fewer at the ends), in rank
    /// order; empty when the player has no entry.
    /// </summary>
    ValueTask<IReadOnlyList<RankedEntry>> AroundAsync(RankBoard board, string playerId, int radius, CancellationToken ct = default);

    /// <summary>The entries of those of <paramref name="playerIds"/> that have one, in rank order (the friends view).</summary>
    ValueTask<IReadOnlyList<RankedEntry>> GetManyAsync(RankBoard board, IReadOnlyCollection<string> playerIds, CancellationToken ct = default);

    /// <summary>How many players have an entry.</summary>
    ValueTask<long> CountAsync(RankBoard board, CancellationToken ct = default);

    /// <summary>
    /// Loads every record of the stream (each applied like <see cref="SetAsync"/>, so newer entries written meanwhile
    /// win), then marks the set populated. Safe to run twice at once (by two hosts): the result is the same.
    /// </summary>
    ValueTask RebuildAsync(RankBoard board, IAsyncEnumerable<RankedRecord> records, CancellationToken ct = default);

    /// <summary>Drops the set and its populated mark (a deleted board).</summary>
    ValueTask ClearAsync(RankBoard board, CancellationToken ct = default);
}
