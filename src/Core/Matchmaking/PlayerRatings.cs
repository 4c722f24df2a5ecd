using System.Text.Json;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Ratings;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Matchmaking;

/// <summary>
/// Players' ratings per rating key (a queue's id unless queues share a key), stored in the player's partition. A
/// player with no games has the system's default rating. Glicko-2 ratings widen with idle rating periods when read.
/// </summary>
public sealed class PlayerRatings
{
    internal const string SortKeyPrefix = "rating/";

    /// <summary>Match ids a rating remembers, so applying one match twice is a no-op (far more than a player plays at once).</summary>
    private const int RecentMatchesKept = 32;

    private const int MaxWriteAttempts = 16;

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;

    public PlayerRatings(IDocumentStore store, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public static PlayerRatingValue DefaultValue(RatingSystem system) => system == RatingSystem.Glicko2
        ? FromGlicko(Glicko2Rating.Default)
        : FromOpenSkill(OpenSkillRating.Default);

    /// <summary>The value matchmaking compares: the Glicko-2 rating, or the OpenSkill mean.</summary>
    public static double SkillOf(PlayerRatingValue value, RatingSystem system) => system == RatingSystem.Glicko2 ? value.Rating : value.Mu;

    /// <summary>The player's rating under the key, with idle periods applied (Glicko-2); the default when the player has none.</summary>
    public async Task<PlayerRatingDocument> GetAsync(string titleId, string playerId, string ratingKey, RatingSystem system, int ratingPeriodHours, CancellationToken ct)
    {
        var item = await _store.GetAsync(RatingKey(titleId, playerId, ratingKey), ct);
        var document = item is null ? NewDocument(ratingKey, system) : Deserialize(item);
        if (document.System != system)
        {
            // The queue switched systems: the old rating means nothing in the new one.
            return NewDocument(ratingKey, system);
        }

        return document with { Value = WithIdlePeriods(document, ratingPeriodHours, _time.GetUtcNow()) };
    }

    /// <summary>Every rating the player holds, for the API and the GDPR export.</summary>
    public async Task<IReadOnlyList<PlayerRatingDocument>> ListAsync(string titleId, string playerId, CancellationToken ct)
    {
        var page = await _store.QueryAsync(new Query(titleId, AccountService.PlayerPartition(playerId), SortKeyCondition.BeginsWith(SortKeyPrefix), Limit: Query.MaxLimit), ct);
        return page.Items.Select(Deserialize).ToList();
    }

    /// <summary>
    /// Applies one match's change to the player's rating, once: a rating that already lists the match is left alone. When
    /// the rating moved since the match's snapshot (the player finished another match meanwhile), the change is added to
    /// the current value instead of overwriting it, so neither match is lost.
    /// </summary>
    public async Task ApplyAsync(string titleId, string matchId, string ratingKey, RatingSystem system, int ratingPeriodHours, RatingChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = RatingKey(titleId, change.PlayerId, ratingKey);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await _store.GetAsync(key, ct);
            if (item is null && await _store.GetAsync(AccountService.AccountKey(titleId, change.PlayerId), ct) is null)
            {
                // The player was erased after the match: a late result must not recreate data about them.
                return;
            }

            var current = item is null ? NewDocument(ratingKey, system) : Deserialize(item);
            if (current.RecentMatches.Contains(matchId, StringComparer.Ordinal))
            {
                return;
            }

            // The snapshot was taken with idle periods applied; compare like with like.
            var effective = current.System == system ? WithIdlePeriods(current, ratingPeriodHours, _time.GetUtcNow()) : change.Before;
            var value = effective != change.Before ? Compose(effective, change.Before, change.After) : change.After;
            var recent = current.RecentMatches.Append(matchId).TakeLast(RecentMatchesKept).ToArray();
            var updated = new PlayerRatingDocument(ratingKey, system, value, current.Games + 1, _time.GetUtcNow(), recent);
            var body = JsonSerializer.SerializeToUtf8Bytes(updated, StoredDocumentJsonContext.Default.PlayerRatingDocument);
            var written = item is null
                ? await _store.CreateAsync(new NewItem(key, body), ct)
                : await _store.ReplaceAsync(new NewItem(key, body), item.Version, ct);
            if (written.Succeeded)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The rating {key} kept changing while match {matchId} was applied.");
    }

    internal static ItemKey RatingKey(string titleId, string playerId, string ratingKey) =>
        new(titleId, AccountService.PlayerPartition(playerId), SortKeyPrefix + ratingKey);

    internal static PlayerRatingValue FromGlicko(Glicko2Rating r) => new(r.Rating, r.Deviation, r.Volatility, 0, 0);

    internal static PlayerRatingValue FromOpenSkill(OpenSkillRating r) => new(0, 0, 0, r.Mu, r.Sigma);

    internal static Glicko2Rating ToGlicko(PlayerRatingValue v) => new(v.Rating, v.Deviation, v.Volatility);

    internal static OpenSkillRating ToOpenSkill(PlayerRatingValue v) => new(v.Mu, v.Sigma);

    internal static PlayerRatingDocument Deserialize(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.PlayerRatingDocument)
        ?? throw new InvalidDataException($"Item {item.Key} holds no rating.");

    private static PlayerRatingDocument NewDocument(string ratingKey, RatingSystem system) =>
        new(ratingKey, system, DefaultValue(system), 0, null, []);

    private static PlayerRatingValue WithIdlePeriods(PlayerRatingDocument document, int ratingPeriodHours, DateTimeOffset now)
    {
        if (document.System != RatingSystem.Glicko2 || document.LastPlayedAt is not { } last || ratingPeriodHours <= 0)
        {
            return document.Value;
        }

        var periods = (int)Math.Min(10_000, Math.Floor((now - last).TotalHours / ratingPeriodHours));
        return periods <= 0 ? document.Value : FromGlicko(Glicko2.Idle(ToGlicko(document.Value), periods));
    }

    /// <summary>current + (after − before) for means; deviations scale by after/before (they only shrink or widen).</summary>
    private static PlayerRatingValue Compose(PlayerRatingValue current, PlayerRatingValue before, PlayerRatingValue after) => new(
        current.Rating + (after.Rating - before.Rating),
        Scale(current.Deviation, before.Deviation, after.Deviation),
        after.Volatility,
        current.Mu + (after.Mu - before.Mu),
        Scale(current.Sigma, before.Sigma, after.Sigma));

    private static double Scale(double current, double before, double after) => before > 0 ? current * (after / before) : after;
}
