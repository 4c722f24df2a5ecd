using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cronos;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Leaderboards;

/// <summary>
/// Leaderboards: definitions (admin), score submissions and ranked reads. The document store holds every definition
/// and record and is the source of truth; the <see cref="IRankIndex"/> answers rank questions and is rebuilt from the
/// store whenever it does not hold a board period (after a restart, a Redis flush, or the first read of an archive).
/// </summary>
/// <remarks>
/// <para>A submission is a read-modify-write of the player's record with the store's optimistic concurrency (retried
/// when another writer won), and only then an index update carrying the record's revision. The index applies a value
/// only if its revision is newer, so it never holds a value the store does not, whatever order updates arrive in.</para>
/// <para>Within one process, submissions for the same player also queue on a striped lock, so many parallel writers
/// for one player cost waits, not rounds of lost races; across hosts the store's versions keep them correct.</para>
/// </remarks>
public sealed class LeaderboardService
{
    /// <summary>How long a board definition is served from memory; a board deleted on another host disappears within this.</summary>
    public static readonly TimeSpan DefinitionCacheTimeToLive = TimeSpan.FromSeconds(5);

    public const int DefaultPageLimit = 20;
    public const int MaxPageLimit = 100;
    public const int DefaultAroundRadius = 5;
    public const int MaxAroundRadius = 50;

    /// <summary>At most this many players in one friends view (the title's friend limit is lower).</summary>
    public const int MaxPlayersPerView = 5001;

    internal const string BoardPartition = "leaderboards";

    private const int MaxWriteAttempts = 32;
    private const int RebuildPageSize = Query.MaxLimit;
    private const int PlayerLockStripes = 1024;

    private readonly IDocumentStore _store;
    private readonly IRankIndex _index;
    private readonly BestEffortEventPublisher _events;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string TitleId, string BoardId), CachedBoard> _boards = new();
    private readonly ConcurrentDictionary<RankBoard, SemaphoreSlim> _rebuildLocks = new();
    private readonly SemaphoreSlim[] _playerLocks;

    public LeaderboardService(IDocumentStore store, IRankIndex index, BestEffortEventPublisher events, TimeProvider time)
    {
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _index = index ?? throw new ArgumentNullException(nameof(index));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _playerLocks = new SemaphoreSlim[PlayerLockStripes];
        for (var i = 0; i < _playerLocks.Length; i++)
        {
            _playerLocks[i] = new SemaphoreSlim(1, 1);
        }
    }

    // ---- Definitions (admin) ----

    public async Task<Result<LeaderboardStatus>> CreateAsync(string titleId, LeaderboardDefinition definition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (LeaderboardRules.CheckId(definition.Id) is { } idError)
        {
            return idError;
        }

        var sortOrder = LeaderboardRules.ParseSortOrder(definition.SortOrder);
        if (!sortOrder.IsSuccess)
        {
            return sortOrder.Error;
        }

        var @operator = LeaderboardRules.ParseOperator(definition.Operator);
        if (!@operator.IsSuccess)
        {
            return @operator.Error;
        }

        var now = _time.GetUtcNow();
        var schedule = LeaderboardRules.ParseSchedule(definition.ResetSchedule, now);
        if (!schedule.IsSuccess)
        {
            return schedule.Error;
        }

        var existing = await _store.QueryAsync(new Query(titleId, BoardPartition, SortKeyCondition.All, Limit: LeaderboardRules.MaxBoardsPerTitle), ct);
        if (existing.Items.Count >= LeaderboardRules.MaxBoardsPerTitle)
        {
            return Error.Conflict(ErrorCodes.TooManyLeaderboards, $"A title has at most {LeaderboardRules.MaxBoardsPerTitle} leaderboards; delete one first.");
        }

        var document = new LeaderboardDocument(definition.Id, sortOrder.Value, @operator.Value, definition.ResetSchedule, now, Ids.NewId(_time));
        var created = await _store.CreateAsync(new NewItem(BoardKey(titleId, definition.Id), Serialize(document)), ct);
        if (!created.Succeeded)
        {
            return Error.Conflict(ErrorCodes.LeaderboardExists, "The title already has a leaderboard with this id.");
        }

        var board = Remember(titleId, document);
        return board.Status(now);
    }

    public async Task<Result<LeaderboardStatus>> GetAsync(string titleId, string boardId, CancellationToken ct = default)
    {
        var board = await FindBoardAsync(titleId, boardId, ct);
        return board is null ? BoardNotFound() : board.Status(_time.GetUtcNow());
    }

    /// <summary>Every board of the title (at most <see cref="LeaderboardRules.MaxBoardsPerTitle"/>), by id.</summary>
    public async Task<IReadOnlyList<LeaderboardStatus>> ListAsync(string titleId, CancellationToken ct = default)
    {
        var page = await _store.QueryAsync(new Query(titleId, BoardPartition, SortKeyCondition.All, Limit: LeaderboardRules.MaxBoardsPerTitle), ct);
        var now = _time.GetUtcNow();
        return page.Items.Select(item => Remember(titleId, Deserialize(item)).Status(now)).ToList();
    }

    /// <summary>
    /// Deletes the definition and drops the current period from the index. Records stay in the store under the old
    /// generation, unreachable: a board created again under this id starts empty.
    /// </summary>
    public async Task<Result<bool>> DeleteAsync(string titleId, string boardId, CancellationToken ct = default)
    {
        if (LeaderboardRules.CheckId(boardId) is not null)
        {
            return BoardNotFound();
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await _store.GetAsync(BoardKey(titleId, boardId), ct);
            if (item is null)
            {
                _boards.TryRemove((titleId, boardId), out _);
                return BoardNotFound();
            }

            var deleted = await _store.DeleteAsync(item.Key, item.Version, ct);
            if (deleted.Succeeded)
            {
                var board = new CachedBoard(Deserialize(item), DateTimeOffset.MinValue);
                _boards.TryRemove((titleId, boardId), out _);
                await _index.ClearAsync(board.RankBoard(titleId, board.CurrentPeriod(_time.GetUtcNow())), ct);
                return true;
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The leaderboard kept changing while it was being deleted; retry.");
    }

    // ---- Submissions ----

    /// <summary>A studio server submits for a player: the player must have an account in the title.</summary>
    public async Task<Result<LeaderboardRecord>> SubmitForPlayerAsync(string titleId, string boardId, string playerId, double score, JsonElement? metadata, CancellationToken ct = default)
    {
        if (!Ids.IsWellFormed(playerId) || await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is null)
        {
            return Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");
        }

        return await SubmitAsync(titleId, boardId, playerId, score, metadata, ct);
    }

    /// <summary>
    /// Combines the score with the player's record of the current period by the board's operator and returns the
    /// record as stored, with its rank. A "best" submission that does not beat the record changes nothing. Every
    /// accepted submission (whether or not it changed the record) then publishes <c>score_submitted</c>, best effort.
    /// </summary>
    public async Task<Result<LeaderboardRecord>> SubmitAsync(string titleId, string boardId, string playerId, double score, JsonElement? metadata, CancellationToken ct = default)
    {
        var submitted = await WriteSubmissionAsync(titleId, boardId, playerId, score, metadata, ct);
        if (submitted.IsSuccess)
        {
            var properties = JsonSerializer.SerializeToElement(new ScoreSubmittedProperties(boardId, score), LeaderboardEventJsonContext.Default.ScoreSubmittedProperties);
            await _events.PublishAsync([new BackendEvent(titleId, Ids.NewId(_time), BackendEventNames.ScoreSubmitted, _time.GetUtcNow(), playerId, null, properties)], ct);
        }

        return submitted;
    }

    private async Task<Result<LeaderboardRecord>> WriteSubmissionAsync(string titleId, string boardId, string playerId, double score, JsonElement? metadata, CancellationToken ct)
    {
        if (LeaderboardRules.CheckScore(score) is { } scoreError)
        {
            return scoreError;
        }

        byte[]? metadataBytes = null;
        if (metadata is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } requestedMetadata)
        {
            var normalized = LeaderboardRules.NormalizeMetadata(requestedMetadata);
            if (!normalized.IsSuccess)
            {
                return normalized.Error;
            }

            metadataBytes = normalized.Value;
        }

        var board = await FindBoardAsync(titleId, boardId, ct);
        if (board is null)
        {
            return BoardNotFound();
        }

        var period = board.CurrentPeriod(_time.GetUtcNow());
        var rankBoard = board.RankBoard(titleId, period);
        await EnsureIndexedAsync(rankBoard, ct);

        var key = RecordKey(rankBoard, playerId);
        var playerLock = _playerLocks[(int)((uint)HashCode.Combine(titleId, boardId, playerId) % PlayerLockStripes)];
        await playerLock.WaitAsync(ct);
        try
        {
            for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
            {
                var item = await _store.GetAsync(key, ct);
                var current = item is null ? null : DeserializeRecord(item);
                var combined = Combine(board.Document, current?.Score, score);
                if (LeaderboardRules.CheckScore(combined) is { } rangeError)
                {
                    return rangeError;
                }

                if (current is not null && item is not null && board.Document.Operator == LeaderboardOperator.Best && combined == current.Score)
                {
                    // Not better: nothing to write. The index may have missed the stored value (lost with Redis); give it.
                    var stored = ToRanked(playerId, current);
                    await _index.SetAsync(rankBoard, stored, ct);
                    return await WithRankAsync(rankBoard, stored, ct);
                }

                var keepsMetadata = metadataBytes is null && board.Document.Operator is LeaderboardOperator.Increment or LeaderboardOperator.Decrement;
                var next = new LeaderboardRecordDocument(
                    combined,
                    keepsMetadata ? current?.Metadata : ToElement(metadataBytes),
                    _time.GetUtcNow(),
                    (current?.Revision ?? 0) + 1);
                var body = JsonSerializer.SerializeToUtf8Bytes(next, StoredDocumentJsonContext.Default.LeaderboardRecordDocument);
                var written = item is null
                    ? await _store.CreateAsync(new NewItem(key, body), ct)
                    : await _store.ReplaceAsync(new NewItem(key, body), item.Version, ct);
                if (written.Succeeded)
                {
                    var record = new RankedRecord(playerId, next.Score, next.Revision, next.UpdatedAt,
                        keepsMetadata ? MetadataBytes(current?.Metadata) : metadataBytes);
                    await _index.SetAsync(rankBoard, record, ct);
                    return await WithRankAsync(rankBoard, record, ct);
                }

                // Another host won the race. A short random pause keeps two hosts from colliding in lockstep.
                await Task.Delay(Random.Shared.Next(1, 2 + (2 << Math.Min(attempt, 4))), ct);
            }
        }
        finally
        {
            playerLock.Release();
        }

        return Error.Unavailable(ErrorCodes.Contention, "The record kept changing while the score was being submitted; retry.");
    }

    // ---- Reads ----

    /// <summary>
    /// The top of a period, a page at a time: <paramref name="cursor"/> is the <see cref="LeaderboardRecordPage.NextCursor"/>
    /// of the previous page (ranks shift as scores change, so a page may repeat or skip a player who moved meanwhile).
    /// </summary>
    public async Task<Result<LeaderboardRecordPage>> GetTopAsync(string titleId, string boardId, string? periodId, int? limit, string? cursor, CancellationToken ct = default)
    {
        var pageLimit = limit ?? DefaultPageLimit;
        if (pageLimit is < 1 or > MaxPageLimit)
        {
            return Error.Validation(ErrorCodes.InvalidLeaderboardLimit, $"limit is 1–{MaxPageLimit}.");
        }

        var offset = 0L;
        if (cursor is not null && !TryParseCursor(cursor, out offset))
        {
            return Error.Validation(ErrorCodes.InvalidLeaderboardCursor, "The cursor was not handed out by this listing.");
        }

        var target = await ResolveAsync(titleId, boardId, periodId, ct);
        if (!target.IsSuccess)
        {
            return target.Error;
        }

        var (board, period, rankBoard) = target.Value;
        var entries = await _index.RangeAsync(rankBoard, offset, pageLimit, ct);
        var total = await _index.CountAsync(rankBoard, ct);
        var next = offset + entries.Count;
        var nextCursor = entries.Count == pageLimit && next < total ? FormatCursor(next) : null;
        return new LeaderboardRecordPage(board.Document.Id, period.Id, entries.Select(ToRecord).ToList(), nextCursor, total);
    }

    /// <summary>The player's record and up to <paramref name="radius"/> records on each side; "leaderboard_record_not_found" when the player has none.</summary>
    public async Task<Result<LeaderboardRecordPage>> GetAroundAsync(string titleId, string boardId, string playerId, string? periodId, int? radius, CancellationToken ct = default)
    {
        var k = radius ?? DefaultAroundRadius;
        if (k is < 0 or > MaxAroundRadius)
        {
            return Error.Validation(ErrorCodes.InvalidLeaderboardLimit, $"k is 0–{MaxAroundRadius}.");
        }

        var target = await ResolveAsync(titleId, boardId, periodId, ct);
        if (!target.IsSuccess)
        {
            return target.Error;
        }

        var (board, period, rankBoard) = target.Value;
        var entries = await _index.AroundAsync(rankBoard, playerId, k, ct);
        if (entries.Count == 0)
        {
            return RecordNotFound();
        }

        return new LeaderboardRecordPage(board.Document.Id, period.Id, entries.Select(ToRecord).ToList(), null, await _index.CountAsync(rankBoard, ct));
    }

    /// <summary>The player's own record with its rank; "leaderboard_record_not_found" when the player has none.</summary>
    public async Task<Result<LeaderboardRecord>> GetRecordAsync(string titleId, string boardId, string playerId, string? periodId, CancellationToken ct = default)
    {
        var target = await ResolveAsync(titleId, boardId, periodId, ct);
        if (!target.IsSuccess)
        {
            return target.Error;
        }

        var entry = await _index.GetAsync(target.Value.RankBoard, playerId, ct);
        return entry is { } found ? ToRecord(found) : RecordNotFound();
    }

    /// <summary>The records of the given players (for example a player and their friends) in rank order, with board-wide ranks.</summary>
    public async Task<Result<LeaderboardRecordPage>> GetForPlayersAsync(string titleId, string boardId, IReadOnlyCollection<string> playerIds, string? periodId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(playerIds);
        if (playerIds.Count > MaxPlayersPerView)
        {
            return Error.Validation(ErrorCodes.InvalidLeaderboardLimit, $"At most {MaxPlayersPerView} players per view.");
        }

        var target = await ResolveAsync(titleId, boardId, periodId, ct);
        if (!target.IsSuccess)
        {
            return target.Error;
        }

        var (board, period, rankBoard) = target.Value;
        var entries = await _index.GetManyAsync(rankBoard, playerIds, ct);
        return new LeaderboardRecordPage(board.Document.Id, period.Id, entries.Select(ToRecord).ToList(), null, await _index.CountAsync(rankBoard, ct));
    }

    // ---- Index ----

    /// <summary>
    /// Rebuilds the board period from the store when the index does not hold it. One rebuild per board period at a time
    /// in this process; a rebuild racing another host's is harmless (entries apply by revision).
    /// </summary>
    private async Task EnsureIndexedAsync(RankBoard rankBoard, CancellationToken ct)
    {
        if (await _index.IsPopulatedAsync(rankBoard, ct))
        {
            return;
        }

        var gate = _rebuildLocks.GetOrAdd(rankBoard, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (!await _index.IsPopulatedAsync(rankBoard, ct))
            {
                await _index.RebuildAsync(rankBoard, ReadRecordsAsync(rankBoard, ct), ct);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Every record of the board period, straight from the store, a page at a time.</summary>
    private async IAsyncEnumerable<RankedRecord> ReadRecordsAsync(RankBoard rankBoard, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(new Query(rankBoard.TitleId, RecordPartition(rankBoard), SortKeyCondition.All, Limit: RebuildPageSize, ContinuationToken: token), ct);
            foreach (var item in page.Items)
            {
                yield return ToRanked(item.Key.SortKey, DeserializeRecord(item));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    private async Task<Result<(CachedBoard Board, LeaderboardPeriod Period, RankBoard RankBoard)>> ResolveAsync(string titleId, string boardId, string? periodId, CancellationToken ct)
    {
        var board = await FindBoardAsync(titleId, boardId, ct);
        if (board is null)
        {
            return BoardNotFound();
        }

        var now = _time.GetUtcNow();
        var period = periodId is null ? board.CurrentPeriod(now) : LeaderboardPeriods.Parse(board.Schedule, periodId, now);
        if (period is null)
        {
            return Error.Validation(ErrorCodes.InvalidLeaderboardPeriod, "The period is not \"all\" (boards without a reset schedule) or the start of a period that has begun (yyyyMMddTHHmmssZ).");
        }

        var rankBoard = board.RankBoard(titleId, period);
        await EnsureIndexedAsync(rankBoard, ct);
        return (board, period, rankBoard);
    }

    private async Task<CachedBoard?> FindBoardAsync(string titleId, string boardId, CancellationToken ct)
    {
        if (LeaderboardRules.CheckId(boardId) is not null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (_boards.TryGetValue((titleId, boardId), out var cached) && now - cached.FetchedAt <= DefinitionCacheTimeToLive)
        {
            return cached;
        }

        var item = await _store.GetAsync(BoardKey(titleId, boardId), ct);
        if (item is null)
        {
            _boards.TryRemove((titleId, boardId), out _);
            return null;
        }

        return Remember(titleId, Deserialize(item));
    }

    private CachedBoard Remember(string titleId, LeaderboardDocument document)
    {
        var board = new CachedBoard(document, _time.GetUtcNow());
        _boards[(titleId, document.Id)] = board;
        return board;
    }

    /// <summary>The record after the operator: best keeps the better score for the sort order; increment and decrement start from 0.</summary>
    private static double Combine(LeaderboardDocument board, double? current, double submitted) => board.Operator switch
    {
        LeaderboardOperator.Best when current is { } existing => board.SortOrder == LeaderboardSortOrder.Descending
            ? Math.Max(existing, submitted)
            : Math.Min(existing, submitted),
        LeaderboardOperator.Increment => (current ?? 0) + submitted,
        LeaderboardOperator.Decrement => (current ?? 0) - submitted,
        _ => submitted,
    } + 0.0;

    private async Task<LeaderboardRecord> WithRankAsync(RankBoard rankBoard, RankedRecord record, CancellationToken ct)
    {
        // The index may hold a newer value by now (a racing submission); the rank is the player's current one.
        var entry = await _index.GetAsync(rankBoard, record.PlayerId, ct);
        return entry is { } found ? ToRecord(found) : ToRecord(new RankedEntry(0, record));
    }

    private static LeaderboardRecord ToRecord(RankedEntry entry) => new(
        entry.Record.PlayerId,
        entry.Rank + 1,
        entry.Record.Score,
        ToElement(entry.Record.Metadata),
        entry.Record.UpdatedAt);

    private static RankedRecord ToRanked(string playerId, LeaderboardRecordDocument document) =>
        new(playerId, document.Score, document.Revision, document.UpdatedAt, MetadataBytes(document.Metadata));

    private static JsonElement? ToElement(byte[]? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        using var parsed = JsonDocument.Parse(metadata);
        return parsed.RootElement.Clone();
    }

    private static byte[]? MetadataBytes(JsonElement? metadata)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryParseCursor(string cursor, out long offset) =>
        long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset is > 0 and <= int.MaxValue;

    private static string FormatCursor(long offset) => offset.ToString(CultureInfo.InvariantCulture);

    private static ItemKey BoardKey(string titleId, string boardId) => new(titleId, BoardPartition, boardId);

    private static string RecordPartition(RankBoard rankBoard) => $"lb/{rankBoard.BoardId}/{rankBoard.PeriodKey}";

    private static ItemKey RecordKey(RankBoard rankBoard, string playerId) => new(rankBoard.TitleId, RecordPartition(rankBoard), playerId);

    private static byte[] Serialize(LeaderboardDocument document) =>
        JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.LeaderboardDocument);

    private static LeaderboardDocument Deserialize(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.LeaderboardDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no leaderboard.");

    private static LeaderboardRecordDocument DeserializeRecord(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.LeaderboardRecordDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no leaderboard record.");

    private static Error BoardNotFound() => Error.NotFound(ErrorCodes.LeaderboardNotFound, "The title has no leaderboard with this id.");

    private static Error RecordNotFound() => Error.NotFound(ErrorCodes.LeaderboardRecordNotFound, "The player has no record on this leaderboard in this period.");

    /// <summary>A definition with its parsed schedule and the period last computed, so reads do not evaluate cron each time.</summary>
    private sealed class CachedBoard
    {
        private LeaderboardPeriod? _period;

        public CachedBoard(LeaderboardDocument document, DateTimeOffset fetchedAt)
        {
            Document = document;
            FetchedAt = fetchedAt;
            Schedule = document.ResetSchedule is null ? null : CronExpression.Parse(document.ResetSchedule, CronFormat.Standard);
        }

        public LeaderboardDocument Document { get; }

        public DateTimeOffset FetchedAt { get; }

        public CronExpression? Schedule { get; }

        public LeaderboardPeriod CurrentPeriod(DateTimeOffset now)
        {
            var period = _period;
            if (period is not null && (period.StartsAt is null || (now >= period.StartsAt && (period.EndsAt is null || now < period.EndsAt))))
            {
                return period;
            }

            period = LeaderboardPeriods.Current(Schedule, now);
            _period = period;
            return period;
        }

        public LeaderboardStatus Status(DateTimeOffset now)
        {
            var current = CurrentPeriod(now);
            return new LeaderboardStatus(Document.ToLeaderboard(), current, LeaderboardPeriods.Previous(Schedule, current));
        }

        /// <summary>The index key of a period: the generation keeps a re-created board apart from the deleted one.</summary>
        public RankBoard RankBoard(string titleId, LeaderboardPeriod period) =>
            new(titleId, Document.Id, $"{Document.Generation}.{period.Id}", Document.SortOrder);
    }
}

/// <summary>The properties of <c>score_submitted</c>: the leaderboard and the score as submitted (before the board's operator).</summary>
public sealed record ScoreSubmittedProperties(string Leaderboard, double Score);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ScoreSubmittedProperties))]
internal sealed partial class LeaderboardEventJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
