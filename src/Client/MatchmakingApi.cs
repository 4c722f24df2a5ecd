using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>
/// Matchmaking: queue with a ticket, poll until matched, play on the assigned relay, report the result, read
/// ratings. The backend forms matches on a schedule (about once a second), so a ticket is polled, honouring the
/// <see cref="Ticket.PollAfterSeconds"/> it asks for.
/// </summary>
public sealed class MatchmakingApi
{
    /// <summary>The wait between polls when a searching ticket names none.</summary>
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);

    private readonly ApiTransport _transport;

    internal MatchmakingApi(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <summary>
    /// Queues the caller. <paramref name="attributes"/> must give exactly the queue's equality attributes (for
    /// example a build); <paramref name="pings"/> are milliseconds per region of the queue. A player with a
    /// searching ticket gets 409 <c>ticket_already_active</c> whose <c>queueId</c>/<c>ticketId</c> name it.
    /// </summary>
    public async Task<Ticket> CreateTicketAsync(
        string queueId,
        IReadOnlyDictionary<string, string>? attributes = null,
        IReadOnlyDictionary<string, double>? pings = null,
        CancellationToken cancellationToken = default)
    {
        var body = ApiTransport.Serialize(new CreateTicketRequest(attributes, pings), ClientJsonContext.Default.CreateTicketRequest);
        return (await _transport.SendAsync(HttpMethod.Post, QueuePath(queueId) + "/tickets", body, ClientJsonContext.Default.Ticket, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>A ticket the caller is on; once matched it carries the assignment with the caller's join token.</summary>
    public async Task<Ticket> GetTicketAsync(string queueId, string ticketId, CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, TicketPath(queueId, ticketId), null, ClientJsonContext.Default.Ticket, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The caller's latest ticket in any queue, or null when they never queued (for a game restarted mid-search).</summary>
    public async Task<Ticket?> GetCurrentTicketAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await _transport.SendAsync(HttpMethod.Get, "v1/matchmaking/tickets/current", null, ClientJsonContext.Default.Ticket, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (GameBackendException e) when (e.Status == 404 && e.Code == ErrorCodes.TicketNotFound)
        {
            return null;
        }
    }

    /// <summary>Cancels a searching ticket (409 <c>ticket_not_searching</c>, with <c>status</c>, if it already ended).</summary>
    public async Task<Ticket> CancelTicketAsync(string queueId, string ticketId, CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Delete, TicketPath(queueId, ticketId), null, ClientJsonContext.Default.Ticket, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// Polls the ticket until it leaves "searching" and returns it: check <see cref="Ticket.IsMatched"/> (it may
    /// also have timed out or been cancelled). Each wait is the <see cref="Ticket.PollAfterSeconds"/> the backend
    /// asked for. Cancelling <paramref name="cancellationToken"/> stops the polling only; the ticket keeps
    /// searching until <see cref="CancelTicketAsync"/> (or its timeout). <paramref name="onPoll"/> sees every
    /// state read, on the polling thread.
    /// </summary>
    public async Task<Ticket> WaitForMatchAsync(string queueId, string ticketId, CancellationToken cancellationToken = default, Action<Ticket>? onPoll = null)
    {
        while (true)
        {
            var ticket = await GetTicketAsync(queueId, ticketId, cancellationToken).ConfigureAwait(false);
            onPoll?.Invoke(ticket);
            if (!ticket.IsSearching)
            {
                return ticket;
            }

            var wait = ticket.PollAfterSeconds > 0 ? TimeSpan.FromSeconds(ticket.PollAfterSeconds) : DefaultPollInterval;
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls <paramref name="ticket"/> until it leaves "searching"; see <see cref="WaitForMatchAsync(string, string, CancellationToken, Action{Ticket})"/>.</summary>
    public Task<Ticket> WaitForMatchAsync(Ticket ticket, CancellationToken cancellationToken = default, Action<Ticket>? onPoll = null)
    {
        Guard.NotNull(ticket, nameof(ticket));
        return WaitForMatchAsync(ticket.QueueId, ticket.TicketId, cancellationToken, onPoll);
    }

    /// <summary>A match the caller played in, with their rating change once rated.</summary>
    public async Task<Match> GetMatchAsync(string queueId, string matchId, CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, MatchPath(queueId, matchId), null, ClientJsonContext.Default.Match, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// Reports the result as the caller saw it: one rank per team in the match's team order (1 = first, equal = draw).
    /// Only for queues that take player reports (else 403 <c>player_reports_disabled</c>).
    /// </summary>
    public async Task<Match> ReportResultAsync(string queueId, string matchId, IReadOnlyList<int> teamRanks, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(teamRanks, nameof(teamRanks));
        var body = ApiTransport.Serialize(new ReportMatchResultRequest(teamRanks), ClientJsonContext.Default.ReportMatchResultRequest);
        return (await _transport.SendAsync(HttpMethod.Post, MatchPath(queueId, matchId) + "/result", body, ClientJsonContext.Default.Match, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>The caller's ratings, one per rating key they have played under.</summary>
    public async Task<IReadOnlyList<PlayerRating>> GetRatingsAsync(CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, "v1/matchmaking/ratings", null, ClientJsonContext.Default.PlayerRatingList, cancellationToken).ConfigureAwait(false)).Value.Items;

    private static string QueuePath(string queueId)
    {
        Guard.NotEmpty(queueId, nameof(queueId));
        return "v1/matchmaking/queues/" + PathSegment.Of(queueId);
    }

    private static string TicketPath(string queueId, string ticketId)
    {
        Guard.NotEmpty(ticketId, nameof(ticketId));
        return QueuePath(queueId) + "/tickets/" + PathSegment.Of(ticketId);
    }

    private static string MatchPath(string queueId, string matchId)
    {
        Guard.NotEmpty(matchId, nameof(matchId));
        return QueuePath(queueId) + "/matches/" + PathSegment.Of(matchId);
    }
}
