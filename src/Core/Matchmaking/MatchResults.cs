using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Ratings;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Matchmaking;

/// <summary>A match as its reader may see it, with the caller's rating change once the match is rated.</summary>
public sealed record MatchView(MatchDocument Match, RatingChange? CallerChange);

/// <summary>
/// Match results: reported by the studio's server (server key), or by the match's players when the queue allows it,
/// settled by the queue's agreement rule. Once final, every player's rating is updated exactly once.
/// </summary>
/// <remarks>
/// Settling writes the result and every player's before/after rating into the match, at the version read, so only one
/// settlement can win. Applying the changes then writes each player's rating, which remembers the match id; a crash
/// part-way leaves the match "final", and any later report or read of it finishes the job without applying twice.
/// </remarks>
public sealed class MatchResults
{
    private const int MaxWriteAttempts = 8;

    private readonly IDocumentStore _store;
    private readonly PlayerRatings _ratings;
    private readonly IEventBus _events;
    private readonly TimeProvider _time;

    public MatchResults(IDocumentStore store, PlayerRatings ratings, IEventBus events, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _ratings = ratings ?? throw new ArgumentNullException(nameof(ratings));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The match, when <paramref name="callerPlayerId"/> played in it (null: the studio's server).</summary>
    public async Task<Result<MatchView>> GetAsync(string titleId, string queueId, string matchId, string? callerPlayerId, CancellationToken ct = default)
    {
        var item = await FindAsync(titleId, queueId, matchId, callerPlayerId, ct);
        if (item is null)
        {
            return MatchNotFound();
        }

        var match = MatchmakingTick.DeserializeMatch(item);
        if (match.Status == MatchStatus.Final)
        {
            match = await ApplyAsync(titleId, item, match, ct);
        }

        return View(match, callerPlayerId);
    }

    /// <summary>
    /// Reports the result as team ranks (one per team, 1 = first; equal ranks are a draw). <paramref name="reporterPlayerId"/>
    /// is the reporting player, or null for the studio's server, whose report is final at once.
    /// </summary>
    public async Task<Result<MatchView>> ReportAsync(string titleId, string queueId, string matchId, IReadOnlyList<int>? teamRanks, string? reporterPlayerId, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await FindAsync(titleId, queueId, matchId, reporterPlayerId, ct);
            if (item is null)
            {
                return MatchNotFound();
            }

            var match = MatchmakingTick.DeserializeMatch(item);
            if (teamRanks is null || teamRanks.Count != match.Teams || teamRanks.Any(r => r < 1 || r > match.Teams))
            {
                return Error.Validation(ErrorCodes.InvalidMatchResult, $"Give one rank per team: {match.Teams} numbers, each 1–{match.Teams} (1 = first, equal = draw).");
            }

            if (reporterPlayerId is not null && match.ResultRule == ResultRule.Server)
            {
                return Error.Forbidden(ErrorCodes.PlayerReportsDisabled, "This queue takes results only from the studio's server.");
            }

            if (match.Status != MatchStatus.Formed)
            {
                if (match.Status == MatchStatus.Final)
                {
                    await ApplyAsync(titleId, item, match, ct);
                }

                return match.Result!.SequenceEqual(teamRanks)
                    ? Error.Conflict(ErrorCodes.ResultAlreadyReported, "The match already has this result; ratings were updated once.")
                    : Error.Conflict(ErrorCodes.ResultConflict, "The match already has a different final result.");
            }

            var reports = new Dictionary<string, IReadOnlyList<int>>(match.Reports, StringComparer.Ordinal);
            bool final;
            if (reporterPlayerId is null)
            {
                final = true;
            }
            else
            {
                if (reports.ContainsKey(reporterPlayerId))
                {
                    return Error.Conflict(ErrorCodes.ResultAlreadyReported, "You already reported this match's result.");
                }

                if (match.ResultRule == ResultRule.AllPlayers && reports.Values.Any(r => !r.SequenceEqual(teamRanks)))
                {
                    return Error.Conflict(ErrorCodes.ResultConflict, "Another player reported a different result; the studio's server will settle it.");
                }

                reports[reporterPlayerId] = teamRanks.ToArray();
                var agreeing = reports.Values.Count(r => r.SequenceEqual(teamRanks));
                final = match.ResultRule == ResultRule.AllPlayers
                    ? agreeing == match.Players.Count
                    : agreeing * 2 > match.Players.Count;
            }

            MatchDocument updated;
            if (final)
            {
                var changes = await ComputeChangesAsync(titleId, match, teamRanks, ct);
                updated = match with { Status = MatchStatus.Final, Reports = reports, Result = teamRanks.ToArray(), RatingChanges = changes, CompletedAt = _time.GetUtcNow() };
            }
            else
            {
                updated = match with { Reports = reports };
            }

            var written = await _store.ReplaceAsync(new NewItem(item.Key, MatchmakingTick.SerializeMatch(updated), item.ExpiresAt), item.Version, ct);
            if (!written.Succeeded)
            {
                continue;
            }

            if (final)
            {
                // The match as just written: its new version is all ApplyAsync needs to mark it rated.
                updated = await ApplyAsync(titleId, item with { Version = written.Version! }, updated, ct);
            }

            return View(updated, reporterPlayerId);
        }

        return Error.Unavailable(ErrorCodes.Contention, "The match kept changing while the result was recorded; retry.");
    }

    private async Task<IReadOnlyList<RatingChange>> ComputeChangesAsync(string titleId, MatchDocument match, IReadOnlyList<int> teamRanks, CancellationToken ct)
    {
        var before = new List<PlayerRatingValue>[match.Teams];
        for (var t = 0; t < match.Teams; t++)
        {
            before[t] = [];
        }

        foreach (var seat in match.Players)
        {
            var rating = await _ratings.GetAsync(titleId, seat.PlayerId, match.RatingKey, match.RatingSystem, match.RatingPeriodHours, ct);
            before[seat.Team].Add(rating.Value);
        }

        var after = new PlayerRatingValue[match.Teams][];
        if (match.Teams == 1)
        {
            // A one-team (co-op) match has no opponent to be rated against: ratings stay as they are.
            after[0] = [.. before[0]];
        }
        else if (match.RatingSystem == RatingSystem.Glicko2)
        {
            var rated = Glicko2.RateTeams(before.Select(t => (IReadOnlyList<Glicko2Rating>)t.Select(PlayerRatings.ToGlicko).ToList()).ToList(), teamRanks, match.Tau);
            for (var t = 0; t < match.Teams; t++)
            {
                after[t] = rated[t].Select(PlayerRatings.FromGlicko).ToArray();
            }
        }
        else
        {
            var rated = OpenSkill.Rate(before.Select(t => (IReadOnlyList<OpenSkillRating>)t.Select(PlayerRatings.ToOpenSkill).ToList()).ToList(), teamRanks);
            for (var t = 0; t < match.Teams; t++)
            {
                after[t] = rated[t].Select(PlayerRatings.FromOpenSkill).ToArray();
            }
        }

        var changes = new List<RatingChange>(match.Players.Count);
        var position = new int[match.Teams];
        foreach (var seat in match.Players)
        {
            var i = position[seat.Team]++;
            changes.Add(new RatingChange(seat.PlayerId, before[seat.Team][i], after[seat.Team][i]));
        }

        return changes;
    }

    /// <summary>Applies a final match's rating changes (each once) and marks it rated; publishes match_completed.</summary>
    private async Task<MatchDocument> ApplyAsync(string titleId, StoredItem item, MatchDocument match, CancellationToken ct)
    {
        foreach (var change in match.RatingChanges ?? [])
        {
            await _ratings.ApplyAsync(titleId, match.Id, match.RatingKey, match.RatingSystem, match.RatingPeriodHours, change, ct);
        }

        var rated = match with { Status = MatchStatus.Rated };
        var written = await _store.ReplaceAsync(new NewItem(item.Key, MatchmakingTick.SerializeMatch(rated), item.ExpiresAt), item.Version, ct);
        if (written.Succeeded)
        {
            var properties = System.Text.Json.JsonSerializer.SerializeToElement(
                new MatchCompletedProperties(match.QueueId, match.Id, match.SessionId, match.Result ?? []),
                MatchmakingEventJsonContext.Default.MatchCompletedProperties);
            try
            {
                await _events.PublishAsync([new BackendEvent(titleId, Ids.NewId(_time), BackendEventNames.MatchCompleted, _time.GetUtcNow(), null, match.SessionId, properties)], ct);
            }
            catch (EventBusUnavailableException)
            {
                // The ratings stand; the event is lost (see MatchmakingTick's remarks on the missing outbox).
            }
        }

        return rated;
    }

    private async Task<StoredItem?> FindAsync(string titleId, string queueId, string matchId, string? callerPlayerId, CancellationToken ct)
    {
        if (!MatchmakingRules.IsValidId(queueId) || !Ids.IsWellFormed(matchId))
        {
            return null;
        }

        var item = await _store.GetAsync(MatchmakingKeys.Match(titleId, queueId, matchId), ct);
        if (item is null || callerPlayerId is null)
        {
            return item;
        }

        var match = MatchmakingTick.DeserializeMatch(item);
        return match.Players.Any(p => p.PlayerId == callerPlayerId) ? item : null;
    }

    private static MatchView View(MatchDocument match, string? callerPlayerId) =>
        new(match, callerPlayerId is null ? null : match.RatingChanges?.FirstOrDefault(c => c.PlayerId == callerPlayerId));

    private static Error MatchNotFound() => Error.NotFound(ErrorCodes.MatchNotFound, "The queue has no match with this id that you played in.");
}
