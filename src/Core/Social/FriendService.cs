using System.Text.Json;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Social;

/// <summary>Friend requests, friendships and blocks between players of one title.</summary>
/// <remarks>
/// <para>
/// Each player keeps their own side of every relationship in their own partition. A transaction cannot span two
/// partitions, so every operation is a small plan (the state each side should reach, and which side is written
/// first) that is re-decided from a fresh read of both sides before every single write. A write is version-checked,
/// so a lost race only means another round; a process that dies between the two writes leaves a half-done pair
/// that the next attempt of the operation (or of any other on the pair) finishes. Operations that create a
/// relationship write the caller's side first; operations that end one write the other side first. Either way the
/// caller's own side is the last to show the finished state, so the caller sees unfinished work until it is done,
/// and the other player never sees a request or friendship before the caller consented to it.
/// </para>
/// <para>
/// Every operation is idempotent: when both sides already are where the plan leads, nothing is written and the
/// call succeeds. A blocked player gets the same answer for a request as for an unknown player, so blocking cannot
/// be detected.
/// </para>
/// </remarks>
public sealed class FriendService
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>Enough rounds for two players racing every operation at once; each round makes progress or loses to one that did.</summary>
    private const int MaxWriteAttempts = 16;

    private readonly IDocumentStore _store;
    private readonly TitleService _titles;
    private readonly TimeProvider _time;

    public FriendService(IDocumentStore store, TitleService titles, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _titles = titles ?? throw new ArgumentNullException(nameof(titles));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Asks <paramref name="otherId"/> to be friends. When they already asked the caller, this accepts instead.
    /// Blocked either way: "player_not_found", exactly like an unknown player.
    /// </summary>
    public Task<Result<FriendEdge?>> RequestAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanRequest, ct);

    /// <summary>Accepts the other player's request; accepting an existing friendship again succeeds unchanged.</summary>
    public Task<Result<FriendEdge?>> AcceptAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanAccept, ct);

    /// <summary>Declines the other player's request (nothing to decline is a success).</summary>
    public Task<Result<FriendEdge?>> DeclineAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanDecline, ct);

    /// <summary>Withdraws the caller's request (nothing to withdraw is a success).</summary>
    public Task<Result<FriendEdge?>> CancelAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanCancel, ct);

    /// <summary>Ends a friendship, and any request between the two; a block stays.</summary>
    public Task<Result<FriendEdge?>> RemoveAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanRemove, ct);

    /// <summary>Blocks the other player: ends any friendship or request both ways and hides the caller from them.</summary>
    public Task<Result<FriendEdge?>> BlockAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanBlock, ct);

    /// <summary>Lifts the caller's block; nothing else (no friendship comes back).</summary>
    public Task<Result<FriendEdge?>> UnblockAsync(string titleId, string playerId, string otherId, CancellationToken ct = default) =>
        ConvergeAsync(titleId, playerId, otherId, PlanUnblock, ct);

    /// <summary>"friend", "incoming", "outgoing" or "blocked" (the API's spelling), or "invalid_friend_state".</summary>
    public static Result<FriendState> ParseState(string? state) => state switch
    {
        "friend" => FriendState.Friend,
        "incoming" => FriendState.Incoming,
        "outgoing" => FriendState.Outgoing,
        "blocked" => FriendState.Blocked,
        _ => Error.Validation(ErrorCodes.InvalidFriendState, "The state is one of friend, incoming, outgoing or blocked."),
    };

    /// <summary>The API's spelling of a state.</summary>
    public static string FormatState(FriendState state) => state switch
    {
        FriendState.Friend => "friend",
        FriendState.Incoming => "incoming",
        FriendState.Outgoing => "outgoing",
        _ => "blocked",
    };

    /// <summary>
    /// One page of the caller's edges in one state, ordered by the other player's id. <paramref name="cursor"/> is the
    /// store's continuation token; one not made for this list throws <see cref="InvalidContinuationTokenException"/>.
    /// </summary>
    public async Task<Result<FriendPage>> ListAsync(string titleId, string playerId, FriendState state, int limit, string? cursor, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return Error.Validation(ErrorCodes.InvalidPageLimit, $"The page size is 1–{MaxPageSize}.");
        }

        var prefix = ListPrefix(state);
        var page = await _store.QueryAsync(
            new Query(titleId, Partition(playerId), SortKeyCondition.BeginsWith(prefix), Limit: limit, ContinuationToken: cursor), ct);
        var items = page.Items
            .Select(item => new FriendEdge(
                item.Key.SortKey[prefix.Length..],
                state,
                JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.FriendListEntryDocument)!.Since))
            .ToArray();
        return new FriendPage(items, page.ContinuationToken);
    }

    private async Task<Result<FriendEdge?>> ConvergeAsync(string titleId, string playerId, string otherId, Func<FriendState?, FriendState?, Result<PairPlan>> plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(titleId);
        ArgumentNullException.ThrowIfNull(playerId);
        if (string.Equals(playerId, otherId, StringComparison.Ordinal))
        {
            return Error.Validation(ErrorCodes.CannotFriendSelf, "A player cannot be their own friend, nor block themselves.");
        }

        if (!Ids.IsWellFormed(otherId) || await _store.GetAsync(AccountService.AccountKey(titleId, otherId), ct) is null)
        {
            return PlayerNotFound();
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var mine = await ReadSideAsync(titleId, playerId, otherId, ct);
            var theirs = await ReadSideAsync(titleId, otherId, playerId, ct);
            var decided = plan(mine.State, theirs.State);
            if (!decided.IsSuccess)
            {
                return decided.Error;
            }

            var target = decided.Value;
            var mineDone = mine.State == target.Mine;
            var theirsDone = theirs.State == target.Theirs;
            if (mineDone && theirsDone)
            {
                return mine.State is { } state ? new FriendEdge(otherId, state, mine.Since) : null;
            }

            var writeMine = target.MineFirst ? !mineDone : theirsDone;
            if (writeMine && target.Mine is FriendState.Friend or FriendState.Outgoing
                && mine.State is not (FriendState.Friend or FriendState.Outgoing)
                && await IsAtFriendLimitAsync(titleId, playerId, ct))
            {
                return Error.Conflict(ErrorCodes.FriendLimitReached, "The player holds the title's maximum of friends and outgoing requests.");
            }

            // Success or a lost race: either way the next round re-reads both sides and decides again.
            await WriteSideAsync(writeMine ? mine : theirs, writeMine ? target.Mine : target.Theirs, ct);
        }

        return Error.Unavailable(ErrorCodes.Contention, "The relationship kept changing while it was being updated; retry.");
    }

    private static Result<PairPlan> PlanRequest(FriendState? mine, FriendState? theirs)
    {
        if (mine == FriendState.Blocked || theirs == FriendState.Blocked)
        {
            return PlayerNotFound();
        }

        // Both sides agreed already, one accept is half-done, or they asked first (a crossing request is an accept).
        return AgreedOrRequested(mine, theirs)
            ? new PairPlan(FriendState.Friend, FriendState.Friend, MineFirst: true)
            : new PairPlan(FriendState.Outgoing, FriendState.Incoming, MineFirst: true);
    }

    private static Result<PairPlan> PlanAccept(FriendState? mine, FriendState? theirs)
    {
        if (mine == FriendState.Blocked || theirs == FriendState.Blocked || !AgreedOrRequested(mine, theirs))
        {
            return Error.NotFound(ErrorCodes.FriendRequestNotFound, "This player has not asked the caller to be friends.");
        }

        return new PairPlan(FriendState.Friend, FriendState.Friend, MineFirst: true);
    }

    private static Result<PairPlan> PlanDecline(FriendState? mine, FriendState? theirs) => new PairPlan(
        mine == FriendState.Incoming ? null : mine,
        theirs == FriendState.Outgoing ? null : theirs,
        MineFirst: false);

    private static Result<PairPlan> PlanCancel(FriendState? mine, FriendState? theirs) => new PairPlan(
        mine == FriendState.Outgoing ? null : mine,
        theirs == FriendState.Incoming ? null : theirs,
        MineFirst: false);

    private static Result<PairPlan> PlanRemove(FriendState? mine, FriendState? theirs) => new PairPlan(
        mine == FriendState.Blocked ? mine : null,
        theirs == FriendState.Blocked ? theirs : null,
        MineFirst: false);

    /// <summary>Their side is cleared first, so once the caller's block shows, the blocked player's list no longer shows the caller.</summary>
    private static Result<PairPlan> PlanBlock(FriendState? mine, FriendState? theirs) => new PairPlan(
        FriendState.Blocked,
        theirs == FriendState.Blocked ? theirs : null,
        MineFirst: false);

    private static Result<PairPlan> PlanUnblock(FriendState? mine, FriendState? theirs) => new PairPlan(
        mine == FriendState.Blocked ? null : mine,
        theirs,
        MineFirst: false);

    /// <summary>
    /// True when both consented: already friends, an accept half-written (one side friend, the other still a
    /// request), or the other player asked (their outgoing, or my incoming, written first by their request).
    /// </summary>
    private static bool AgreedOrRequested(FriendState? mine, FriendState? theirs) =>
        (mine == FriendState.Friend && theirs is FriendState.Friend or FriendState.Outgoing or FriendState.Incoming)
        || (theirs == FriendState.Friend && mine is FriendState.Outgoing or FriendState.Incoming)
        || mine == FriendState.Incoming
        || theirs == FriendState.Outgoing;

    private async Task<bool> IsAtFriendLimitAsync(string titleId, string playerId, CancellationToken ct)
    {
        var title = await _titles.FindAsync(titleId, ct: ct);
        var limit = title?.Settings.MaxFriends ?? TitleSettings.DefaultMaxFriends;
        var held = await CountAsync(titleId, playerId, FriendState.Friend, limit, ct);
        held += await CountAsync(titleId, playerId, FriendState.Outgoing, limit - held, ct);
        return held >= limit;
    }

    /// <summary>Counts up to <paramref name="upTo"/> entries of one state; the limit bounds the reading.</summary>
    private async Task<int> CountAsync(string titleId, string playerId, FriendState state, int upTo, CancellationToken ct)
    {
        var count = 0;
        string? token = null;
        while (count < upTo)
        {
            var page = await _store.QueryAsync(
                new Query(titleId, Partition(playerId), SortKeyCondition.BeginsWith(ListPrefix(state)), Limit: Query.MaxLimit, ContinuationToken: token), ct);
            count += page.Items.Count;
            token = page.ContinuationToken;
            if (token is null)
            {
                break;
            }
        }

        return count;
    }

    private async Task<Side> ReadSideAsync(string titleId, string ownerId, string otherId, CancellationToken ct)
    {
        var key = EdgeKey(titleId, ownerId, otherId);
        var item = await _store.GetAsync(key, ct);
        if (item is null)
        {
            return new Side(key, null, default, null);
        }

        var document = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.FriendEdgeDocument)
            ?? throw new InvalidDataException($"Item {item.Key} holds no friend edge.");
        return new Side(key, document.State, document.Since, item.Version);
    }

    /// <summary>Moves one side to <paramref name="target"/>: the edge and its list entry change in one transaction of the side's partition.</summary>
    private async Task WriteSideAsync(Side side, FriendState? target, CancellationToken ct)
    {
        var edgeKey = side.EdgeKey;
        var otherId = edgeKey.SortKey["edge/".Length..];
        var operations = new List<TransactionOperation>(3);
        if (side.State is { } current)
        {
            operations.Add(target is null
                ? new TransactionOperation.Delete(edgeKey, side.Version!)
                : new TransactionOperation.Replace(EdgeItem(edgeKey, target.Value), side.Version!));
            var oldEntryKey = edgeKey with { SortKey = ListPrefix(current) + otherId };
            if (await _store.GetAsync(oldEntryKey, ct) is { } oldEntry)
            {
                operations.Add(new TransactionOperation.Delete(oldEntryKey, oldEntry.Version));
            }
        }
        else if (target is not null)
        {
            operations.Add(new TransactionOperation.Create(EdgeItem(edgeKey, target.Value)));
        }

        if (target is { } next)
        {
            var entry = new FriendListEntryDocument(_time.GetUtcNow());
            operations.Add(new TransactionOperation.Create(new NewItem(
                edgeKey with { SortKey = ListPrefix(next) + otherId },
                JsonSerializer.SerializeToUtf8Bytes(entry, StoredDocumentJsonContext.Default.FriendListEntryDocument))));
        }

        await _store.TransactAsync(new Transaction(operations), ct);
    }

    private NewItem EdgeItem(ItemKey key, FriendState state) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(new FriendEdgeDocument(state, _time.GetUtcNow()), StoredDocumentJsonContext.Default.FriendEdgeDocument));

    internal static string Partition(string playerId) => AccountService.PlayerPartition(playerId) + "/friends";

    internal static ItemKey EdgeKey(string titleId, string ownerId, string otherId) => new(titleId, Partition(ownerId), "edge/" + otherId);

    private static string ListPrefix(FriendState state) => FormatState(state) + "/";

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    /// <summary>Where each side should end up; null means no edge. The side named first is written first.</summary>
    private readonly record struct PairPlan(FriendState? Mine, FriendState? Theirs, bool MineFirst);

    private sealed record Side(ItemKey EdgeKey, FriendState? State, DateTimeOffset Since, string? Version);
}
