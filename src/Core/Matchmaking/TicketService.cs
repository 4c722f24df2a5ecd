using System.Text.Json;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Sessions;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Matchmaking;

/// <summary>A request for a ticket: one player, or a party that stays together.</summary>
public sealed record TicketRequest(
    IReadOnlyList<string> PlayerIds,
    IReadOnlyDictionary<string, string>? Attributes,
    IReadOnlyDictionary<string, double>? Pings);

/// <summary>A player's seat in a formed match, with the join token that lets them into the relay session.</summary>
public sealed record SeatAssignment(string PlayerId, int Team, int Slot, string JoinToken);

/// <summary>Where a matched ticket's players play.</summary>
public sealed record TicketAssignment(
    MatchDocument Match,
    IReadOnlyList<SeatAssignment> Seats,
    DateTimeOffset JoinTokensExpireAt);

/// <summary>A ticket as the API shows it: the stored ticket, its assignment once matched, and when to poll again.</summary>
public sealed record TicketView(TicketDocument Ticket, TicketAssignment? Assignment, int PollAfterSeconds);

/// <summary>
/// Tickets: create (one active ticket per player per title), read, cancel. Clients poll the ticket; a scheduled tick
/// (<see cref="MatchmakingTick"/>) matches searching tickets.
/// </summary>
/// <remarks>
/// "One active ticket per player" is kept by a pointer in each player's partition to their latest ticket. Creating a
/// ticket claims every member's pointer (create-if-absent, or replace-at-version when the ticket it points to is no
/// longer searching); if a member already searches, the pointers claimed so far are released and the request fails.
/// A pointer to a ticket that never got written (a crash in between) points at nothing, and counts as free.
/// </remarks>
public sealed class TicketService
{
    /// <summary>What the response suggests: a little above the scheduler's one-second tick, so a poll usually sees a tick's result.</summary>
    public const int SearchingPollSeconds = 2;

    /// <summary>Ended tickets stay readable this long, so clients polling slowly still see how their ticket ended.</summary>
    public static readonly TimeSpan EndedTicketRetention = TimeSpan.FromHours(1);

    private const int MaxClaimAttempts = 8;

    private readonly IDocumentStore _store;
    private readonly QueueService _queues;
    private readonly PlayerRatings _ratings;
    private readonly TitleService _titles;
    private readonly TimeProvider _time;

    public TicketService(IDocumentStore store, QueueService queues, PlayerRatings ratings, TitleService titles, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _queues = queues ?? throw new ArgumentNullException(nameof(queues));
        _ratings = ratings ?? throw new ArgumentNullException(nameof(ratings));
        _titles = titles ?? throw new ArgumentNullException(nameof(titles));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Creates a searching ticket. <paramref name="callerPlayerId"/> is the signed-in player (who must be on the ticket),
    /// or null for the studio's server, which may queue any party of existing players.
    /// </summary>
    public async Task<Result<TicketView>> CreateAsync(string titleId, string queueId, TicketRequest request, string? callerPlayerId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var queueResult = await _queues.GetAsync(titleId, queueId, ct);
        if (!queueResult.IsSuccess)
        {
            return queueResult.Error;
        }

        var queue = queueResult.Value.Queue;
        var players = request.PlayerIds ?? [];
        if (players.Count < 1 || players.Count > queue.Config.MaxPartySize || players.Distinct(StringComparer.Ordinal).Count() != players.Count)
        {
            return Error.Validation(ErrorCodes.InvalidParty, $"A ticket carries 1–{queue.Config.MaxPartySize} distinct players in this queue.");
        }

        if (callerPlayerId is not null && !players.Contains(callerPlayerId, StringComparer.Ordinal))
        {
            return Error.Validation(ErrorCodes.InvalidParty, "The caller must be on their own ticket.");
        }

        if (MatchmakingRules.CheckTicket(queue, request.Attributes, request.Pings) is { } ticketError)
        {
            return ticketError;
        }

        foreach (var playerId in players)
        {
            if (!string.Equals(playerId, callerPlayerId, StringComparison.Ordinal)
                && (!Ids.IsWellFormed(playerId) || await _store.GetAsync(AccountService.AccountKey(titleId, playerId), ct) is null))
            {
                return Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.") with
                {
                    Details = new Dictionary<string, string> { ["playerId"] = playerId.Length <= 64 ? playerId : playerId[..64] },
                };
            }
        }

        var ticketPlayers = new List<TicketPlayer>(players.Count);
        foreach (var playerId in players)
        {
            var rating = await _ratings.GetAsync(titleId, playerId, queue.RatingKey, queue.RatingSystem, queue.Config.Rating.RatingPeriodHours, ct);
            ticketPlayers.Add(new TicketPlayer(playerId, PlayerRatings.SkillOf(rating.Value, queue.RatingSystem)));
        }

        var skill = queue.PartySkillIsMax ? ticketPlayers.Max(p => p.Skill) : ticketPlayers.Average(p => p.Skill);
        var now = _time.GetUtcNow();
        var ticket = new TicketDocument(
            Ids.NewId(_time),
            queueId,
            ticketPlayers,
            skill,
            request.Attributes ?? new Dictionary<string, string>(),
            request.Pings ?? new Dictionary<string, double>(),
            now,
            TicketStatus.Searching,
            null,
            null);

        var claimed = new List<(ItemKey Key, string Version)>();
        foreach (var player in players)
        {
            var claim = await ClaimAsync(titleId, player, ticket, ct);
            if (!claim.IsSuccess)
            {
                foreach (var (key, version) in claimed)
                {
                    await _store.DeleteAsync(key, version, ct);
                }

                return string.Equals(player, callerPlayerId, StringComparison.Ordinal) || callerPlayerId is null
                    ? claim.Error
                    : claim.Error with { Details = null, Message = "A member of the party already has a searching ticket." };
            }

            claimed.Add(claim.Value);
        }

        var expiresAt = now + TimeSpan.FromSeconds(queue.Config.TicketTimeoutSeconds) + EndedTicketRetention;
        var created = await _store.CreateAsync(new NewItem(MatchmakingKeys.Searching(titleId, queueId, ticket.Id), Serialize(ticket), expiresAt), ct);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"Creating ticket {ticket.Id} failed: {created.Outcome}.");
        }

        return new TicketView(ticket, null, SearchingPollSeconds);
    }

    /// <summary>The ticket, when <paramref name="callerPlayerId"/> is on it (null: the studio's server, which sees every ticket and every seat).</summary>
    public async Task<Result<TicketView>> GetAsync(string titleId, string queueId, string ticketId, string? callerPlayerId, CancellationToken ct = default)
    {
        var found = await FindAsync(titleId, queueId, ticketId, ct);
        if (found is not { } ticket || (callerPlayerId is not null && !ticket.Document.Players.Any(p => p.PlayerId == callerPlayerId)))
        {
            return TicketNotFound();
        }

        return await ViewAsync(titleId, ticket.Document, callerPlayerId, ct);
    }

    /// <summary>The caller's latest ticket in the title (any queue), or ticket_not_found.</summary>
    public async Task<Result<TicketView>> GetLatestAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        var pointer = await _store.GetAsync(MatchmakingKeys.ActiveTicket(titleId, playerId), ct);
        if (pointer is null)
        {
            return TicketNotFound();
        }

        var active = JsonSerializer.Deserialize(pointer.Body, StoredDocumentJsonContext.Default.ActiveTicketDocument)!;
        return await GetAsync(titleId, active.QueueId, active.TicketId, playerId, ct);
    }

    /// <summary>Cancels a searching ticket (any of its players, or the server); a matched or ended one answers ticket_not_searching.</summary>
    public async Task<Result<TicketView>> CancelAsync(string titleId, string queueId, string ticketId, string? callerPlayerId, CancellationToken ct = default)
    {
        var found = await FindAsync(titleId, queueId, ticketId, ct);
        if (found is not { } ticket || (callerPlayerId is not null && !ticket.Document.Players.Any(p => p.PlayerId == callerPlayerId)))
        {
            return TicketNotFound();
        }

        if (ticket.Searching is null)
        {
            return Error.Conflict(ErrorCodes.TicketNotSearching, $"The ticket is {ticket.Document.Status.ToString().ToLowerInvariant()}, no longer searching.") with
            {
                Details = new Dictionary<string, string> { ["ticketStatus"] = StatusText(ticket.Document.Status) },
            };
        }

        var ended = await EndAsync(_store, titleId, ticket.Searching, ticket.Document, TicketStatus.Cancelled, _time.GetUtcNow(), ct);
        if (ended is null)
        {
            // The tick matched (or timed out) the ticket between our read and our write: report what it is now.
            return await CancelAsync(titleId, queueId, ticketId, callerPlayerId, ct);
        }

        return new TicketView(ended, null, 0);
    }

    /// <summary>
    /// Moves a searching ticket to an ended status (cancelled or timed out) in one transaction: delete the searching item
    /// at the version read, create the ended one. Null when the searching item changed (someone else got there first).
    /// </summary>
    internal static async Task<TicketDocument?> EndAsync(IDocumentStore store, string titleId, StoredItem searching, TicketDocument ticket, TicketStatus status, DateTimeOffset now, CancellationToken ct)
    {
        var ended = ticket with { Status = status, EndedAt = now };
        var result = await store.TransactAsync(new Transaction(
        [
            new TransactionOperation.Delete(searching.Key, searching.Version),
            new TransactionOperation.Create(new NewItem(MatchmakingKeys.Ended(titleId, ticket.QueueId, ticket.Id), Serialize(ended), now + EndedTicketRetention)),
        ]), ct);
        return result.Committed ? ended : null;
    }

    /// <summary>A status as the API and error details spell it.</summary>
    public static string StatusText(TicketStatus status) => status switch
    {
        TicketStatus.Searching => "searching",
        TicketStatus.Matched => "matched",
        TicketStatus.TimedOut => "timed_out",
        _ => "cancelled",
    };

    internal static byte[] Serialize(TicketDocument ticket) => JsonSerializer.SerializeToUtf8Bytes(ticket, StoredDocumentJsonContext.Default.TicketDocument);

    internal static TicketDocument Deserialize(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.TicketDocument) ?? throw new InvalidDataException($"Item {item.Key} holds no ticket.");

    private async Task<Result<TicketView>> ViewAsync(string titleId, TicketDocument ticket, string? callerPlayerId, CancellationToken ct)
    {
        if (ticket.Status != TicketStatus.Matched || ticket.MatchId is null)
        {
            return new TicketView(ticket, null, ticket.Status == TicketStatus.Searching ? SearchingPollSeconds : 0);
        }

        var matchItem = await _store.GetAsync(MatchmakingKeys.Match(titleId, ticket.QueueId, ticket.MatchId), ct);
        if (matchItem is null)
        {
            // The match has outlived its retention; the ticket still says how it ended.
            return new TicketView(ticket, null, 0);
        }

        var match = MatchmakingTick.DeserializeMatch(matchItem);
        var titleResult = await _titles.EnsureRelayKeyAsync(titleId, ct);
        if (!titleResult.IsSuccess)
        {
            return titleResult.Error;
        }

        var relayKey = titleResult.Value.CurrentRelayKey!;
        var seats = new List<SeatAssignment>();
        foreach (var seat in match.Players)
        {
            var onTicket = ticket.Players.Any(p => p.PlayerId == seat.PlayerId);
            if (!onTicket || (callerPlayerId is not null && seat.PlayerId != callerPlayerId))
            {
                continue;
            }

            var token = JoinToken.Create(new JoinGrant(titleId, match.SessionId, seat.PlayerId, seat.Slot, match.JoinTokensExpireAt), relayKey.KeyId, relayKey.Secret);
            seats.Add(new SeatAssignment(seat.PlayerId, seat.Team, seat.Slot, JoinToken.ToText(token)));
        }

        return new TicketView(ticket, new TicketAssignment(match, seats, match.JoinTokensExpireAt), 0);
    }

    private async Task<(TicketDocument Document, StoredItem? Searching)?> FindAsync(string titleId, string queueId, string ticketId, CancellationToken ct)
    {
        if (!MatchmakingRules.IsValidId(queueId) || !Ids.IsWellFormed(ticketId))
        {
            return null;
        }

        if (await _store.GetAsync(MatchmakingKeys.Searching(titleId, queueId, ticketId), ct) is { } searching)
        {
            return (Deserialize(searching), searching);
        }

        return await _store.GetAsync(MatchmakingKeys.Ended(titleId, queueId, ticketId), ct) is { } ended ? (Deserialize(ended), null) : null;
    }

    private async Task<Result<(ItemKey Key, string Version)>> ClaimAsync(string titleId, string playerId, TicketDocument ticket, CancellationToken ct)
    {
        var key = MatchmakingKeys.ActiveTicket(titleId, playerId);
        var body = JsonSerializer.SerializeToUtf8Bytes(new ActiveTicketDocument(ticket.QueueId, ticket.Id), StoredDocumentJsonContext.Default.ActiveTicketDocument);
        for (var attempt = 0; attempt < MaxClaimAttempts; attempt++)
        {
            var current = await _store.GetAsync(key, ct);
            WriteResult written;
            if (current is null)
            {
                written = await _store.CreateAsync(new NewItem(key, body), ct);
            }
            else
            {
                var active = JsonSerializer.Deserialize(current.Body, StoredDocumentJsonContext.Default.ActiveTicketDocument)!;
                if (await IsStillSearchingAsync(titleId, active, ct))
                {
                    return Error.Conflict(ErrorCodes.TicketAlreadyActive, "The player already has a searching ticket in this title; cancel it first.") with
                    {
                        Details = new Dictionary<string, string> { ["queueId"] = active.QueueId, ["ticketId"] = active.TicketId },
                    };
                }

                written = await _store.ReplaceAsync(new NewItem(key, body), current.Version, ct);
            }

            if (written.Succeeded)
            {
                return (key, written.Version!);
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The player's tickets kept changing; retry.");
    }

    /// <summary>A ticket counts as active while it searches in a queue that still exists and has not passed its timeout.</summary>
    private async Task<bool> IsStillSearchingAsync(string titleId, ActiveTicketDocument active, CancellationToken ct)
    {
        var searching = await _store.GetAsync(MatchmakingKeys.Searching(titleId, active.QueueId, active.TicketId), ct);
        if (searching is null)
        {
            return false;
        }

        var queue = await _queues.GetAsync(titleId, active.QueueId, ct);
        if (!queue.IsSuccess)
        {
            return false;
        }

        var ticket = Deserialize(searching);
        return _time.GetUtcNow() - ticket.CreatedAt <= TimeSpan.FromSeconds(queue.Value.Queue.Config.TicketTimeoutSeconds);
    }

    private static Error TicketNotFound() => Error.NotFound(ErrorCodes.TicketNotFound, "The queue has no ticket with this id that you are on.");
}
