using System.Globalization;
using Cronos;

namespace GameBackend.Core.Leaderboards;

/// <summary>
/// Periods derive from the reset schedule and the clock alone: a period starts at one occurrence of the cron expression
/// and ends at the next. No job has to run at the boundary: the first request after it simply lands in the new period,
/// and the old period's records stay in the store under the old id (the archive).
/// </summary>
public static class LeaderboardPeriods
{
    /// <summary>The one period of a board without a reset schedule.</summary>
    public const string AllTimeId = "all";

    private const string IdFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>How far back the start of a period is looked for, widening step by step (a yearly reset on 29 February needs years).</summary>
    private static readonly TimeSpan[] SearchWindows =
    [
        TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(8), TimeSpan.FromDays(32), TimeSpan.FromDays(367),
        TimeSpan.FromDays(4 * 366), TimeSpan.FromDays(29 * 366),
    ];

    /// <summary>The period <paramref name="now"/> falls in.</summary>
    public static LeaderboardPeriod Current(CronExpression? schedule, DateTimeOffset now)
    {
        if (schedule is null)
        {
            return new LeaderboardPeriod(AllTimeId, null, null);
        }

        var start = LastOccurrenceAtOrBefore(schedule, now.UtcDateTime) ?? DateTime.UnixEpoch;
        var end = schedule.GetNextOccurrence(now.UtcDateTime);
        return Period(start, end);
    }

    /// <summary>The period before <paramref name="current"/>, or null when there is none (no schedule, or the first period).</summary>
    public static LeaderboardPeriod? Previous(CronExpression? schedule, LeaderboardPeriod current)
    {
        if (schedule is null || current.StartsAt is not { } currentStart)
        {
            return null;
        }

        var start = LastOccurrenceAtOrBefore(schedule, currentStart.UtcDateTime.AddTicks(-1));
        return start is null ? null : Period(start.Value, currentStart.UtcDateTime);
    }

    /// <summary>
    /// The period a client named: "all" on a board without a schedule; otherwise the start of a period that has begun
    /// (an occurrence of the schedule, in <c>yyyyMMddTHHmmssZ</c>). Null when the id names no such period.
    /// </summary>
    public static LeaderboardPeriod? Parse(CronExpression? schedule, string periodId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(periodId);
        if (schedule is null)
        {
            return periodId == AllTimeId ? new LeaderboardPeriod(AllTimeId, null, null) : null;
        }

        if (!DateTime.TryParseExact(periodId, IdFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start))
        {
            return null;
        }

        start = DateTime.SpecifyKind(start, DateTimeKind.Utc);
        var current = Current(schedule, now);
        if (current.Id == periodId)
        {
            return current;
        }

        if (start > now.UtcDateTime || schedule.GetNextOccurrence(start, inclusive: true) != start)
        {
            return null;
        }

        return Period(start, schedule.GetNextOccurrence(start));
    }

    private static LeaderboardPeriod Period(DateTime start, DateTime? end) =>
        new(start.ToString(IdFormat, CultureInfo.InvariantCulture), new DateTimeOffset(start, TimeSpan.Zero), end is { } e ? new DateTimeOffset(e, TimeSpan.Zero) : null);

    private static DateTime? LastOccurrenceAtOrBefore(CronExpression schedule, DateTime instantUtc)
    {
        foreach (var window in SearchWindows)
        {
            var from = instantUtc - window;
            DateTime? last = null;
            for (var next = schedule.GetNextOccurrence(from, inclusive: true); next is { } occurrence && occurrence <= instantUtc; next = schedule.GetNextOccurrence(occurrence))
            {
                last = occurrence;
            }

            if (last is not null)
            {
                return last;
            }
        }

        return null;
    }
}
