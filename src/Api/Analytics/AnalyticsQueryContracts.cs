using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Analytics;

namespace GameBackend.Api.Analytics;

/// <summary>A session-length bucket: sessions at least as long as the previous bucket's bound and shorter than <see cref="UpToSeconds"/> (null: no upper bound).</summary>
public sealed record SessionLengthBucketResponse(double? UpToSeconds, long Count);

/// <summary>
/// One day of a title. DAU, WAU, MAU and new players are distinct counts: exact up to 1,536 players, then within
/// ±0.81% (one standard error); see docs/analytics.md.
/// </summary>
public sealed record AnalyticsDayResponse(
    DateOnly Date,
    long Dau,
    long Wau,
    long Mau,
    long NewPlayers,
    long SessionsStarted,
    long SessionsEnded,
    double? AverageSessionSeconds,
    IReadOnlyList<SessionLengthBucketResponse> SessionLengths,
    long Matches,
    long Events,
    IReadOnlyDictionary<string, long> EventsByName,
    int PeakCcu,
    long LateEvents,
    long FutureEvents)
{
    public static AnalyticsDayResponse From(AnalyticsDay d) => new(
        d.Date, d.Dau, d.Wau, d.Mau, d.NewPlayers, d.SessionsStarted, d.SessionsEnded, d.AverageSessionSeconds,
        d.SessionLengthHistogram.Select((count, i) => new SessionLengthBucketResponse(
            i < AnalyticsQueries.SessionLengthBuckets.Count ? AnalyticsQueries.SessionLengthBuckets[i] : null, count)).ToList(),
        d.Matches, d.Events, d.EventsByName, d.PeakCcu, d.LateEvents, d.FutureEvents);
}

public sealed record AnalyticsDaysResponse(DateOnly From, DateOnly To, IReadOnlyList<AnalyticsDayResponse> Days);

/// <summary>One UTC hour; <see cref="PeakCcu"/> is the highest of its twelve five-minute slots.</summary>
public sealed record AnalyticsHourResponse(int Hour, long Events, long Matches, long SessionsStarted, long SessionsEnded, int PeakCcu);

/// <summary>A day by hour, and concurrent users per <see cref="CcuSlotSeconds"/> slot from 00:00 UTC.</summary>
public sealed record AnalyticsHoursResponse(DateOnly Date, IReadOnlyList<AnalyticsHourResponse> Hours, int CcuSlotSeconds, IReadOnlyList<int> Ccu);

/// <summary>Players of a cohort active on a later day, and their share of the cohort.</summary>
public sealed record RetentionPointResponse(long Count, double Fraction);

/// <summary>A cohort (players whose account was made that day); a retention point is null until its day has begun.</summary>
public sealed record AnalyticsCohortResponse(DateOnly Date, long Size, RetentionPointResponse? D1, RetentionPointResponse? D7, RetentionPointResponse? D30)
{
    public static AnalyticsCohortResponse From(AnalyticsCohort c) => new(c.Date, c.Size, Point(c.D1), Point(c.D7), Point(c.D30));

    private static RetentionPointResponse? Point(RetentionPoint? p) => p is null ? null : new(p.Count, p.Fraction);
}

public sealed record AnalyticsRetentionResponse(DateOnly From, DateOnly To, IReadOnlyList<AnalyticsCohortResponse> Cohorts);

/// <summary>The analytics query answers, source-generated like the rest of the API (AOT, no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AnalyticsDaysResponse))]
[JsonSerializable(typeof(AnalyticsHoursResponse))]
[JsonSerializable(typeof(AnalyticsRetentionResponse))]
internal sealed partial class AnalyticsQueryJsonContext : JsonSerializerContext;
