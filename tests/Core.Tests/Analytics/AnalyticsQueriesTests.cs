using GameBackend.Core.Analytics;
using GameBackend.Core.Common;
using static GameBackend.Core.Tests.Analytics.AnalyticsTestBed;

namespace GameBackend.Core.Tests.Analytics;

public sealed class AnalyticsQueriesTests
{
    [Fact]
    public async Task Weekly_and_monthly_actives_merge_the_days_ending_each_day()
    {
        await using var bed = new AnalyticsTestBed();

        // Player k is active on day −k only (k = 0..39), and "regular" every day: each day's WAU is 7 + 1, MAU 30 + 1.
        var events = new List<Core.Events.BackendEvent>();
        for (var k = 0; k < 35; k++)
        {
            var at = Start.AddDays(-k);
            events.Add(Event("t", "k" + k, "x", at, "player-" + k));
            events.Add(Event("t", "r" + k, "x", at, "regular"));
        }

        await bed.Ingest.HandleAsync(Records(events));

        var days = (await bed.Queries.GetDaysAsync("t", Today.AddDays(-2), Today)).Value;
        Assert.Equal(new[] { Today.AddDays(-2), Today.AddDays(-1), Today }, days.Select(d => d.Date));
        Assert.All(days, d => Assert.Equal((2, 8, 31), (d.Dau, d.Wau, d.Mau)));

        // Day −34 has only 1 day of history inside the window: MAU counts days −34..−63.
        var oldest = (await bed.Queries.GetDaysAsync("t", Today.AddDays(-34), Today.AddDays(-34))).Value.Single();
        Assert.Equal((2, 2, 2), (oldest.Dau, oldest.Wau, oldest.Mau));
    }

    [Fact]
    public async Task A_day_without_events_answers_zeros()
    {
        await using var bed = new AnalyticsTestBed();

        var day = await bed.DayAsync("t", Today);
        var hours = await bed.Queries.GetHoursAsync("t", Today);

        Assert.Equal((0, 0, 0, 0, 0, (double?)null), (day.Dau, day.Events, day.Matches, day.PeakCcu, day.SessionsEnded, day.AverageSessionSeconds));
        Assert.Equal(24, hours.Hours.Count);
        Assert.Equal(DayRollup.SlotsPerDay, hours.Ccu.Count);
        Assert.All(hours.Hours, h => Assert.Equal(0, h.Events));
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(0, AnalyticsQueries.MaxDays)]
    public async Task A_range_that_runs_backwards_or_spans_too_many_days_is_refused(int fromOffset, int toOffset)
    {
        await using var bed = new AnalyticsTestBed();

        var days = await bed.Queries.GetDaysAsync("t", Today.AddDays(fromOffset), Today.AddDays(toOffset));
        var retention = await bed.Queries.GetRetentionAsync("t", Today.AddDays(fromOffset), Today.AddDays(toOffset));

        Assert.Equal(ErrorCodes.InvalidAnalyticsRange, days.Error?.Code);
        Assert.Equal(ErrorCodes.InvalidAnalyticsRange, retention.Error?.Code);
    }

    [Fact]
    public async Task The_longest_range_is_answered()
    {
        await using var bed = new AnalyticsTestBed();

        var days = await bed.Queries.GetDaysAsync("t", Today.AddDays(1 - AnalyticsQueries.MaxDays), Today);

        Assert.Equal(AnalyticsQueries.MaxDays, days.Value.Count);
    }

    [Theory]
    [InlineData("2025-03-01", true)]
    [InlineData("2025-02-29", false)]
    [InlineData("2025-3-1", false)]
    [InlineData("1999-12-31", false)]
    [InlineData("3000-01-01", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Dates_are_calendar_dates_in_a_sane_span(string? text, bool valid) =>
        Assert.Equal(valid, AnalyticsQueries.ParseDate(text) is not null);
}
