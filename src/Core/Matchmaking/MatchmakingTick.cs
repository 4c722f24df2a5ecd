using System.Diagnostics;
using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Matchmaking.Matching;
using GameBackend.Core.Sessions;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Matchmaking;

/// <summary>What one tick of one queue did.</summary>
public sealed record TickReport(
    string TitleId,
    string QueueId,
    bool Skipped,
    int Searching,
    int MatchesFormed,
    int TicketsMatched,
    int TimedOut,
    int Conflicts,
    int NoRelay,
    int EventFailures,
    TimeSpan Duration);

/// <summary>
/// The matchmaking tick: what a scheduler (Lambda schedule, Functions timer, Cloud Scheduler, Hosts.Local's timer)
/// invokes. One call processes every searching ticket of a queue: times out the old ones, runs the queue's matcher,
/// and commits each proposed match.
/// </summary>
/// <remarks>
/// <para>Safe to run concurrently and to repeat. A lease item per queue (create-if-absent, expiring) lets one tick work
/// a queue at a time, so concurrent ticks do not waste work on each other; correctness does not rest on it. Each match
/// commits in one transaction that deletes every ticket's searching item <em>at the version the tick read</em>, so a
/// ticket cancelled, timed out or matched by anyone else meanwhile fails the whole match and nothing of it is written: a
/// ticket can never end up in two matches, even when a lease expired under a slow tick.</para>
/// <para>Each formed match publishes <see cref="BackendEventNames.MatchFormed"/>. The event follows the commit; if the
/// bus refuses it the match stands and the report counts the failure (an outbox would close that gap; see docs).</para>
/// </remarks>
public sealed class MatchmakingTick
{
    /// <summary>How long a tick holds a queue's lease; a tick that dies leaves it to expire.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>Matches stay readable (and reportable) this long after they form.</summary>
    public static readonly TimeSpan MatchRetention = TimeSpan.FromDays(7);

    /// <summary>Matches committed at once; the store's group commit turns them into few fsyncs.</summary>
    private const int CommitParallelism = 8;

    private readonly IDocumentStore _store;
    private readonly QueueService _queues;
    private readonly IRelayDirectory _relays;
    private readonly IEventBus _events;
    private readonly TimeProvider _time;
    private readonly string _holder = Guid.NewGuid().ToString("N");

    public MatchmakingTick(IDocumentStore store, QueueService queues, IRelayDirectory relays, IEventBus events, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _queues = queues ?? throw new ArgumentNullException(nameof(queues));
        _relays = relays ?? throw new ArgumentNullException(nameof(relays));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Off only in tests that prove a ticket cannot land in two matches without the lease's help (the transactions
    /// alone must guarantee it).
    /// </summary>
    internal bool UseLease { get; init; } = true;

    /// <summary>Ticks every queue of every title in the cell, one after another (what a scheduled invocation calls).</summary>
    public async Task<IReadOnlyList<TickReport>> RunAllAsync(CancellationToken ct = default)
    {
        var reports = new List<TickReport>();
        await foreach (var (titleId, queueId) in _queues.ListCellQueuesAsync(ct))
        {
            var report = await RunQueueAsync(titleId, queueId, ct);
            if (report.IsSuccess)
            {
                reports.Add(report.Value);
            }
        }

        return reports;
    }

    /// <summary>Ticks one queue; skipped (not an error) when another tick holds its lease.</summary>
    public async Task<Result<TickReport>> RunQueueAsync(string titleId, string queueId, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var queueResult = await _queues.GetAsync(titleId, queueId, ct);
        if (!queueResult.IsSuccess)
        {
            return queueResult.Error;
        }

        var queue = queueResult.Value.Queue;
        var now = _time.GetUtcNow();
        var leaseKey = MatchmakingKeys.Lease(titleId, queueId);
        var lease = JsonSerializer.SerializeToUtf8Bytes(new QueueLeaseDocument(_holder, now), StoredDocumentJsonContext.Default.QueueLeaseDocument);
        var acquired = UseLease ? await _store.CreateAsync(new NewItem(leaseKey, lease, now + LeaseDuration), ct) : new WriteResult(WriteOutcome.Written, null);
        if (!acquired.Succeeded)
        {
            return new TickReport(titleId, queueId, true, 0, 0, 0, 0, 0, 0, 0, Stopwatch.GetElapsedTime(started));
        }

        try
        {
            var report = await TickAsync(titleId, queue, now, ct);
            return report with { Duration = Stopwatch.GetElapsedTime(started) };
        }
        finally
        {
            if (UseLease)
            {
                await _store.DeleteAsync(leaseKey, acquired.Version!, CancellationToken.None);
            }
        }
    }

    internal static MatchDocument DeserializeMatch(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.MatchDocument) ?? throw new InvalidDataException($"Item {item.Key} holds no match.");

    internal static byte[] SerializeMatch(MatchDocument match) => JsonSerializer.SerializeToUtf8Bytes(match, StoredDocumentJsonContext.Default.MatchDocument);

    private async Task<TickReport> TickAsync(string titleId, ValidQueue queue, DateTimeOffset now, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(queue.Config.TicketTimeoutSeconds);
        var regionCount = Math.Max(1, queue.Regions.Count);
        var pool = new MatchPool(regionCount, 256);
        var items = new List<(StoredItem Item, TicketDocument Ticket)>();
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        var pings = new float[regionCount];
        var timedOut = 0;

        string? token = null;
        do
        {
            var page = await _store.QueryAsync(new Query(titleId, MatchmakingKeys.QueuePartition(queue.Id), SortKeyCondition.BeginsWith(MatchmakingKeys.SearchingPrefix), Limit: Query.MaxLimit, ContinuationToken: token), ct);
            foreach (var item in page.Items)
            {
                var ticket = TicketService.Deserialize(item);
                var wait = now - ticket.CreatedAt;
                if (wait > timeout)
                {
                    if (await TicketService.EndAsync(_store, titleId, item, ticket, TicketStatus.TimedOut, now, ct) is not null)
                    {
                        timedOut++;
                    }

                    continue;
                }

                FillPings(queue, ticket, pings);
                var groupKey = GroupKey(queue, ticket);
                if (!groups.TryGetValue(groupKey, out var group))
                {
                    group = groups.Count;
                    groups.Add(groupKey, group);
                }

                pool.Add(ticket.Skill, ticket.Players.Count, Math.Max(0, wait.TotalSeconds), group, pings);
                items.Add((item, ticket));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        var matcher = Matchmakers.For(queue.MatchRules.Algorithm, queue.MatcherOptions);
        var proposals = matcher.FindMatches(pool, queue.MatchRules);

        var formed = 0;
        var ticketsMatched = 0;
        var conflicts = 0;
        var noRelay = 0;
        var events = new List<BackendEvent>();
        var gate = new object();
        await Parallel.ForEachAsync(proposals, new ParallelOptions { MaxDegreeOfParallelism = CommitParallelism, CancellationToken = ct }, async (proposal, token) =>
        {
            var outcome = await CommitAsync(titleId, queue, proposal, items, now, token);
            lock (gate)
            {
                switch (outcome.Result)
                {
                    case CommitResult.Formed:
                        formed++;
                        ticketsMatched += proposal.Tickets.Length;
                        events.Add(outcome.Event!);
                        break;
                    case CommitResult.NoRelay:
                        noRelay++;
                        break;
                    default:
                        conflicts++;
                        break;
                }
            }
        });

        var eventFailures = 0;
        if (events.Count > 0)
        {
            try
            {
                await _events.PublishAsync(events, ct);
            }
            catch (EventBusUnavailableException)
            {
                eventFailures = events.Count;
            }
        }

        return new TickReport(titleId, queue.Id, false, items.Count, formed, ticketsMatched, timedOut, conflicts, noRelay, eventFailures, TimeSpan.Zero);
    }

    private async Task<(CommitResult Result, BackendEvent? Event)> CommitAsync(
        string titleId, ValidQueue queue, ProposedMatch proposal, List<(StoredItem Item, TicketDocument Ticket)> items, DateTimeOffset now, CancellationToken ct)
    {
        var region = proposal.Region >= 0 && proposal.Region < queue.Regions.Count ? queue.Regions[proposal.Region] : null;
        var relay = await _relays.AllocateAsync(titleId, region, ct);
        if (relay is null)
        {
            return (CommitResult.NoRelay, null);
        }

        var matchId = Ids.NewId(_time);
        var seats = new List<MatchPlayer>(queue.MatchRules.MatchSize);
        for (var team = 0; team < queue.Config.Teams; team++)
        {
            for (var i = 0; i < proposal.Tickets.Length; i++)
            {
                if (proposal.Teams[i] != team)
                {
                    continue;
                }

                var ticket = items[proposal.Tickets[i]].Ticket;
                foreach (var player in ticket.Players)
                {
                    seats.Add(new MatchPlayer(player.PlayerId, team, seats.Count, ticket.Id));
                }
            }
        }

        var match = new MatchDocument(
            matchId,
            queue.Id,
            queue.RatingKey,
            queue.RatingSystem,
            queue.Config.Rating.Tau,
            queue.Config.Rating.RatingPeriodHours,
            !queue.PlayersReport ? ResultRule.Server : queue.UnanimousAgreement ? ResultRule.AllPlayers : ResultRule.MajorityOfPlayers,
            Ids.NewId(_time),
            region,
            relay.RelayId,
            relay.Endpoint,
            queue.Config.Teams,
            seats,
            now,
            now + TimeSpan.FromSeconds(queue.Config.JoinTokenSeconds),
            MatchStatus.Formed,
            new Dictionary<string, IReadOnlyList<int>>(),
            null,
            null,
            null);

        var operations = new List<TransactionOperation>(proposal.Tickets.Length * 2 + 1);
        foreach (var index in proposal.Tickets)
        {
            var (item, ticket) = items[index];
            var matched = ticket with { Status = TicketStatus.Matched, EndedAt = now, MatchId = matchId };
            operations.Add(new TransactionOperation.Delete(item.Key, item.Version));
            operations.Add(new TransactionOperation.Create(new NewItem(MatchmakingKeys.Ended(titleId, queue.Id, ticket.Id), TicketService.Serialize(matched), now + MatchRetention)));
        }

        operations.Add(new TransactionOperation.Create(new NewItem(MatchmakingKeys.Match(titleId, queue.Id, matchId), SerializeMatch(match), now + MatchRetention)));
        var committed = await _store.TransactAsync(new Transaction(operations), ct);
        if (!committed.Committed)
        {
            return (CommitResult.Conflict, null);
        }

        var properties = JsonSerializer.SerializeToElement(
            new MatchFormedProperties(queue.Id, matchId, match.SessionId, region, relay.RelayId, seats.Count, seats.Select(s => s.PlayerId).ToArray()),
            MatchmakingEventJsonContext.Default.MatchFormedProperties);
        return (CommitResult.Formed, new BackendEvent(titleId, Ids.NewId(_time), BackendEventNames.MatchFormed, now, null, match.SessionId, properties));
    }

    private static void FillPings(ValidQueue queue, TicketDocument ticket, float[] pings)
    {
        if (queue.Regions.Count == 0)
        {
            pings[0] = 0;
            return;
        }

        for (var r = 0; r < queue.Regions.Count; r++)
        {
            pings[r] = ticket.Pings.TryGetValue(queue.Regions[r], out var ping) ? (float)ping : float.PositiveInfinity;
        }
    }

    /// <summary>The equality attributes' values in the queue's order, length-prefixed so no two different sets collide.</summary>
    private static string GroupKey(ValidQueue queue, TicketDocument ticket)
    {
        if (queue.Config.Attributes.Count == 0)
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder();
        foreach (var name in queue.Config.Attributes)
        {
            var value = ticket.Attributes.TryGetValue(name, out var v) ? v : string.Empty;
            builder.Append(value.Length).Append(':').Append(value);
        }

        return builder.ToString();
    }

    private enum CommitResult
    {
        Formed,
        Conflict,
        NoRelay,
    }
}

/// <summary>The properties of a <see cref="BackendEventNames.MatchFormed"/> event.</summary>
public sealed record MatchFormedProperties(string Queue, string Match, string Session, string? Region, string Relay, int PlayerCount, IReadOnlyList<string> Players);

/// <summary>The properties of a <see cref="BackendEventNames.MatchCompleted"/> event.</summary>
public sealed record MatchCompletedProperties(string Queue, string Match, string Session, IReadOnlyList<int> TeamRanks);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(MatchFormedProperties))]
[System.Text.Json.Serialization.JsonSerializable(typeof(MatchCompletedProperties))]
internal sealed partial class MatchmakingEventJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
