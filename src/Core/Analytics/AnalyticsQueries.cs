using System.Globalization;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Analytics;

/// <summary>One title's day: active players (distinct counts, see <see cref="DistinctCountSketch"/> for the error), sessions, matches, events, peak CCU.</summary>
public sealed record AnalyticsDay(
    DateOnly Date,
    long Dau,
    long Wau,
    long Mau,
    long NewPlayers,
    long SessionsStarted,
    long SessionsEnded,
    double? AverageSessionSeconds,
    IReadOnlyList<long> SessionLengthHistogram,
    long Matches,
    long Events,
    IReadOnlyDictionary<string, long> EventsByName,
    int PeakCcu,
    long LateEvents,
    long FutureEvents);

/// <summary>One UTC hour of a day.</summary>
public sealed record AnalyticsHour(int Hour, long Events, long Matches, long SessionsStarted, long SessionsEnded, int PeakCcu);

/// <summary>A day by hour, with its concurrent users per five-minute slot (288 values from 00:00 UTC).</summary>
public sealed record AnalyticsHours(DateOnly Date, IReadOnlyList<AnalyticsHour> Hours, IReadOnlyList<int> Ccu);

/// <summary>Players of a cohort still active on a later day: how many, and which share of the cohort.</summary>
public sealed record RetentionPoint(long Count, double Fraction);

/// <summary>The players whose account was made on <see cref="Date"/> and how many came back on day 1, 7 and 30 (null until that day has begun).</summary>
public sealed record AnalyticsCohort(DateOnly Date, long Size, RetentionPoint? D1, RetentionPoint? D7, RetentionPoint? D30);

/// <summary>
/// Reads a title's rollups (partition <c>analytics</c> of that title only, so no answer mixes titles) over a date range
/// of at most <see cref="MaxDays"/> days. WAU and MAU merge the day sketches of the 7 and 30 days ending each day, so
/// the reads reach 29 days before the range.
/// </summary>
public sealed class AnalyticsQueries
{
    /// <summary>Days one query may span (a quarter).</summary>
    public const int MaxDays = 92;

    /// <summary>The earliest and latest dates a query may name.</summary>
    public static readonly DateOnly MinDate = new(2000, 1, 1);

    /// <inheritdoc cref="MinDate"/>
    public static readonly DateOnly MaxDate = new(2999, 12, 31);

    /// <summary>The length of a CCU slot in <see cref="AnalyticsHours.Ccu"/>.</summary>
    public const int CcuSlotSeconds = DayRollup.SlotSeconds;

    /// <summary>Upper bounds (exclusive, seconds) of <see cref="AnalyticsDay.SessionLengthHistogram"/>'s buckets; the last bucket has none.</summary>
    public static readonly IReadOnlyList<double> SessionLengthBuckets = DayRollup.SessionLengthBuckets;

    private const int PageSize = 50;

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;

    public AnalyticsQueries(IDocumentStore store, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Reads a query's date; null when it is not a calendar date yyyy-MM-dd between <see cref="MinDate"/> and <see cref="MaxDate"/>.</summary>
    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date >= MinDate && date <= MaxDate
            ? date
            : null;

    public async Task<Result<IReadOnlyList<AnalyticsDay>>> GetDaysAsync(string titleId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (ValidateRange(from, to) is { } error)
        {
            return error;
        }

        var rollups = await ReadAsync(titleId, from.AddDays(-29), to, cancellationToken);
        var players = new Dictionary<DateOnly, DistinctCountSketch>();
        foreach (var (day, rollup) in rollups)
        {
            players[day] = DistinctCountSketch.FromBytes(rollup.Players);
        }

        var days = new List<AnalyticsDay>(to.DayNumber - from.DayNumber + 1);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var d = rollups.GetValueOrDefault(day) ?? new DayRollupDocument();
            days.Add(new AnalyticsDay(
                day,
                players.TryGetValue(day, out var dau) ? dau.Estimate() : 0,
                Union(players, day, 7).Estimate(),
                Union(players, day, 30).Estimate(),
                DistinctCountSketch.FromBytes(d.NewPlayers).Estimate(),
                d.HourSessionsStarted.Sum(),
                d.HourSessionsEnded.Sum(),
                d.SessionsMeasured == 0 ? null : d.SessionSecondsTotal / d.SessionsMeasured,
                d.SessionLengthHistogram,
                d.HourMatches.Sum(),
                d.Events,
                new SortedDictionary<string, long>(d.Names, StringComparer.Ordinal),
                DayRollup.CcuBySlot(d).Max(),
                d.LateEvents,
                d.FutureEvents));
        }

        return days;
    }

    public async Task<AnalyticsHours> GetHoursAsync(string titleId, DateOnly date, CancellationToken cancellationToken = default)
    {
        var item = await _store.GetAsync(new ItemKey(titleId, AnalyticsKeys.Partition, AnalyticsKeys.Day(date)), cancellationToken);
        var d = DayRollup.From(date, item).Document;
        var ccu = DayRollup.CcuBySlot(d);
        const int slotsPerHour = DayRollup.SlotsPerDay / 24;
        var hours = new AnalyticsHour[24];
        for (var hour = 0; hour < 24; hour++)
        {
            hours[hour] = new AnalyticsHour(
                hour,
                d.HourEvents[hour],
                d.HourMatches[hour],
                d.HourSessionsStarted[hour],
                d.HourSessionsEnded[hour],
                ccu.AsSpan(hour * slotsPerHour, slotsPerHour).ToArray().Max());
        }

        return new AnalyticsHours(date, hours, ccu);
    }

    public async Task<Result<IReadOnlyList<AnalyticsCohort>>> GetRetentionAsync(string titleId, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (ValidateRange(from, to) is { } error)
        {
            return error;
        }

        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var rollups = await ReadAsync(titleId, from, to, cancellationToken);
        var cohorts = new List<AnalyticsCohort>(to.DayNumber - from.DayNumber + 1);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var d = rollups.GetValueOrDefault(day) ?? new DayRollupDocument();
            var size = DistinctCountSketch.FromBytes(d.NewPlayers).Estimate();
            cohorts.Add(new AnalyticsCohort(
                day,
                size,
                Point(day, 1, d.RetainedD1),
                Point(day, 7, d.RetainedD7),
                Point(day, 30, d.RetainedD30)));

            RetentionPoint? Point(DateOnly cohort, int days, byte[]? sketch)
            {
                if (cohort.AddDays(days) > today)
                {
                    return null;
                }

                var count = DistinctCountSketch.FromBytes(sketch).Estimate();
                return new RetentionPoint(count, size == 0 ? 0 : Math.Min(1.0, (double)count / size));
            }
        }

        return cohorts;
    }

    private static Error? ValidateRange(DateOnly from, DateOnly to)
    {
        if (from < MinDate || to > MaxDate || to < from)
        {
            return Error.Validation(ErrorCodes.InvalidAnalyticsRange, "The range must run forwards: 'from' on or before 'to'.");
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            return Error.Validation(ErrorCodes.InvalidAnalyticsRange, $"A range spans at most {MaxDays} days.")
                with { Details = new Dictionary<string, string> { ["maxDays"] = MaxDays.ToString(CultureInfo.InvariantCulture) } };
        }

        return null;
    }

    private static DistinctCountSketch Union(Dictionary<DateOnly, DistinctCountSketch> players, DateOnly last, int days)
    {
        var union = new DistinctCountSketch();
        for (var day = last.AddDays(1 - days); day <= last; day = day.AddDays(1))
        {
            if (players.TryGetValue(day, out var sketch))
            {
                union.Merge(sketch);
            }
        }

        return union;
    }

    private async Task<Dictionary<DateOnly, DayRollupDocument>> ReadAsync(string titleId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rollups = new Dictionary<DateOnly, DayRollupDocument>();
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(
                new Query(titleId, AnalyticsKeys.Partition, SortKeyCondition.Between(AnalyticsKeys.Day(from), AnalyticsKeys.Day(to)), Limit: PageSize, ContinuationToken: token),
                cancellationToken);
            foreach (var item in page.Items)
            {
                if (DateOnly.TryParseExact(item.Key.SortKey.AsSpan(AnalyticsKeys.DayPrefix.Length), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    rollups[day] = DayRollup.From(day, item).Document;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return rollups;
    }
}
