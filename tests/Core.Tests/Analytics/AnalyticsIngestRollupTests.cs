using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Sessions;
using static GameBackend.Core.Tests.Analytics.AnalyticsTestBed;

namespace GameBackend.Core.Tests.Analytics;

public sealed class AnalyticsIngestRollupTests
{
    private static readonly DateTimeOffset Morning = StartOfDay.AddHours(9);

    [Fact]
    public async Task A_day_counts_events_players_matches_and_sessions_by_hour()
    {
        await using var bed = new AnalyticsTestBed();
        var events = new List<BackendEvent>
        {
            Event("t", "1", BackendEventNames.SignedIn, Morning, "p1"),
            Event("t", "2", BackendEventNames.SignedIn, Morning.AddMinutes(5), "p2"),
            Event("t", "3", BackendEventNames.ScoreSubmitted, Morning.AddMinutes(6), "p1"),
            Event("t", "4", BackendEventNames.MatchFormed, Morning.AddHours(1), null),
            Event("t", "5", BackendEventNames.MatchFormed, Morning.AddHours(1).AddMinutes(1), null),
            Event("t", "6", SessionEventNames.SessionStarted, Morning.AddHours(1), properties: """{"relay":"r1","region":"eu","members":2}"""),
            Event("t", "7", SessionEventNames.SessionEnded, Morning.AddHours(2), properties: """{"relay":"r1","region":"eu","members":0,"durationSeconds":45}"""),
            Event("t", "8", SessionEventNames.SessionEnded, Morning.AddHours(2), properties: """{"relay":"r1","region":"eu","members":0,"durationSeconds":700}"""),
            Event("t", "9", SessionEventNames.SessionEnded, Morning.AddHours(2), properties: """{"relay":"r1","region":"eu","members":0}"""),
        };

        var report = await bed.Ingest.HandleAsync(Records(events));

        Assert.Equal(new IngestBatchReport(9, 9, 0, 0), report);
        var day = await bed.DayAsync("t", Today);
        Assert.Equal(2, day.Dau);
        Assert.Equal(9, day.Events);
        Assert.Equal(2, day.Matches);
        Assert.Equal(1, day.SessionsStarted);
        Assert.Equal(3, day.SessionsEnded);
        Assert.Equal((45 + 700) / 2.0, day.AverageSessionSeconds);
        Assert.Equal(1, day.SessionLengthHistogram[DayRollup.BucketOf(45)]);
        Assert.Equal(1, day.SessionLengthHistogram[DayRollup.BucketOf(700)]);
        Assert.Equal(2, day.SessionLengthHistogram.Sum());
        Assert.Equal(2, day.EventsByName[BackendEventNames.SignedIn]);
        Assert.Equal(3, day.EventsByName[SessionEventNames.SessionEnded]);

        var hours = await bed.Queries.GetHoursAsync("t", Today);
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, hours.Hours.Select(h => h.Events));
        Assert.Equal(2, hours.Hours[10].Matches);
        Assert.Equal(1, hours.Hours[10].SessionsStarted);
        Assert.Equal(3, hours.Hours[11].SessionsEnded);
    }

    [Fact]
    public void Session_lengths_fall_into_fixed_buckets()
    {
        Assert.Equal(0, DayRollup.BucketOf(0));
        Assert.Equal(0, DayRollup.BucketOf(29.9));
        Assert.Equal(1, DayRollup.BucketOf(30));
        Assert.Equal(DayRollup.SessionLengthBuckets.Length, DayRollup.BucketOf(7200));
        Assert.Equal(DayRollup.SessionLengthBuckets.Length, DayRollup.BucketOf(100_000));
    }

    [Fact]
    public async Task Event_names_are_bounded_per_day_and_the_rest_count_as_other()
    {
        await using var bed = new AnalyticsTestBed();
        var events = Enumerable.Range(0, 250).Select(i => Event("t", "e" + i, "name_" + i, Morning)).ToList();
        events.Add(Event("t", "long", new string('x', DayRollup.MaxNameLength + 1), Morning));
        events.Add(Event("t", "again", "name_0", Morning));

        await bed.Ingest.HandleAsync(Records(events));

        var day = await bed.DayAsync("t", Today);
        Assert.Equal(DayRollup.MaxNames + 1, day.EventsByName.Count);
        Assert.Equal(2, day.EventsByName["name_0"]);
        Assert.Equal(51, day.EventsByName[DayRollup.OtherName]);
        Assert.Equal(252, day.EventsByName.Values.Sum());
        Assert.Equal(252, day.Events);
    }

    [Fact]
    public async Task Concurrent_users_are_the_sum_of_each_relays_last_sample_per_five_minutes()
    {
        await using var bed = new AnalyticsTestBed();
        static BackendEvent Beat(string id, string relay, int members, DateTimeOffset at) =>
            Event("t", id, BackendEventNames.RelayHeartbeat, at, properties: $$"""{"relay":"{{relay}}","region":"eu","sessions":1,"members":{{members}}}""");

        var slot = Morning.AddMinutes(10);
        var events = new List<BackendEvent>
        {
            // Delivered out of order: the 12:14 sample is the last of relay a's slot, not the one processed last.
            Beat("1", "a", 100, slot.AddMinutes(4)),
            Beat("2", "a", 40, slot.AddMinutes(1)),
            Beat("3", "b", 30, slot.AddSeconds(20)),
            Beat("4", "b", 35, slot.AddMinutes(2)),
            Beat("5", "a", 10, slot.AddMinutes(5)),
            Beat("6", "b", 500, Morning.AddHours(3)),
        };

        await bed.Ingest.HandleAsync(Records(events));

        var hours = await bed.Queries.GetHoursAsync("t", Today);
        var index = (9 * 12) + 2;
        Assert.Equal(135, hours.Ccu[index]);
        Assert.Equal(10, hours.Ccu[index + 1]);
        Assert.Equal(500, hours.Ccu[12 * 12]);
        Assert.Equal(135, hours.Hours[9].PeakCcu);
        Assert.Equal(500, hours.Hours[12].PeakCcu);
        Assert.Equal(500, (await bed.DayAsync("t", Today)).PeakCcu);
    }

    [Fact]
    public async Task Relays_beyond_the_daily_bound_are_counted_as_dropped_not_stored()
    {
        await using var bed = new AnalyticsTestBed();
        var events = Enumerable.Range(0, DayRollup.MaxCcuRelays + 3)
            .Select(i => Event("t", "b" + i, BackendEventNames.RelayHeartbeat, Morning, properties: $$"""{"relay":"relay-{{i}}","members":1}"""))
            .ToList();

        await bed.Ingest.HandleAsync(Records(events));

        var item = await bed.Store.GetAsync(new("t", AnalyticsKeys.Partition, AnalyticsKeys.Day(Today)));
        var document = System.Text.Json.JsonSerializer.Deserialize(item!.Body, AnalyticsJsonContext.Default.DayRollupDocument)!;
        Assert.Equal(DayRollup.MaxCcuRelays, document.CcuRelays.Count);
        Assert.Equal(3, document.CcuSamplesDropped);
        Assert.Equal(DayRollup.MaxCcuRelays, (await bed.DayAsync("t", Today)).PeakCcu);
    }

    [Fact]
    public async Task A_busy_day_stays_far_below_the_item_limit()
    {
        await using var bed = new AnalyticsTestBed();
        var events = new List<BackendEvent>();
        var longName = new string('n', DayRollup.MaxNameLength - 8);
        for (var i = 0; i < 40_000; i++)
        {
            // A quarter of today's players are new; they come back on days 1, 7 and 30, so all five sketches get dense.
            var isNew = i % 4 == 0;
            events.Add(Event("t", "e" + i, longName + (i % 300), Morning.AddSeconds(i % 10_000), "p" + i, isNew ? Morning : Morning.AddDays(-100)));
            if (isNew)
            {
                foreach (var later in new[] { 1, 7, 30 })
                {
                    events.Add(Event("t", $"e{i}+{later}", "back", Morning.AddDays(later), "p" + i, Morning));
                }
            }
        }

        for (var i = 0; i < DayRollup.SlotsPerDay * DayRollup.MaxCcuRelays; i++)
        {
            events.Add(Event("t", "hb" + i, BackendEventNames.RelayHeartbeat, StartOfDay.AddMinutes(5 * (i / DayRollup.MaxCcuRelays)).AddSeconds(299),
                properties: $$"""{"relay":"{{new string('r', 60)}}-{{i % DayRollup.MaxCcuRelays}}","members":{{DayRollup.MaxMembersPerRelay}}}"""));
        }

        bed.Time.SetUtcNow(StartOfDay.AddDays(30).AddHours(23));
        var offset = 0L;
        foreach (var chunk in events.Chunk(5000))
        {
            await bed.Ingest.HandleAsync(Records(chunk, offset));
            offset += chunk.Length;
        }

        var item = await bed.Store.GetAsync(new("t", AnalyticsKeys.Partition, AnalyticsKeys.Day(Today)));
        Assert.InRange(item!.Body.Length, 100_000, 250_000);
        var day = await bed.DayAsync("t", Today);
        Assert.InRange(day.Dau, 40_000 * 0.97, 40_000 * 1.03);
        Assert.InRange(day.NewPlayers, 10_000 * 0.97, 10_000 * 1.03);
        Assert.Equal(DayRollup.MaxNames + 1, day.EventsByName.Count);
        Assert.Equal(DayRollup.MaxCcuRelays * (long)DayRollup.MaxMembersPerRelay, day.PeakCcu);
        var cohort = (await bed.Queries.GetRetentionAsync("t", Today, Today)).Value.Single();
        Assert.InRange(cohort.D30!.Count, 10_000 * 0.97, 10_000 * 1.03);
    }

    [Fact]
    public async Task Late_and_future_events_are_counted_on_the_processing_day_not_rolled_up()
    {
        await using var bed = new AnalyticsTestBed();
        var old = Start - AnalyticsIngest.MaxAge - TimeSpan.FromMinutes(1);
        var recent = Start - AnalyticsIngest.MaxAge + TimeSpan.FromMinutes(1);
        var ahead = Start + AnalyticsIngest.MaxAhead + TimeSpan.FromMinutes(1);

        var report = await bed.Ingest.HandleAsync(Records([
            Event("t", "old", "x", old, "p1"),
            Event("t", "recent", "x", recent, "p1"),
            Event("t", "ahead", "x", ahead, "p1"),
        ]));

        Assert.Equal(3, report.Applied);
        var today = await bed.DayAsync("t", Today);
        Assert.Equal(1, today.LateEvents);
        Assert.Equal(1, today.FutureEvents);
        Assert.Equal(0, today.Events);

        // Both are dated the same day, 35 days back; only the one inside the window counts there.
        Assert.Equal(DateOnly.FromDateTime(old.UtcDateTime), DateOnly.FromDateTime(recent.UtcDateTime));
        Assert.Equal(1, (await bed.DayAsync("t", DateOnly.FromDateTime(recent.UtcDateTime))).Events);
        Assert.Equal(0, (await bed.DayAsync("t", DateOnly.FromDateTime(ahead.UtcDateTime))).Events);
    }

    [Fact]
    public async Task Records_that_are_not_events_are_counted_and_skipped()
    {
        await using var bed = new AnalyticsTestBed();
        var records = Records([Event("t", "1", "x", Morning, "p1"), Event("t", "2", "x", Morning, "p2")]);
        records.Insert(1, new EventRecord("events", 0, 100, default, "not json"u8.ToArray()));
        records.Add(new EventRecord("events", 0, 101, default, default));
        records.Add(new EventRecord("events", 0, 102, default, """{"titleId":"t","id":"3","time":"2025-03-01T00:00:00Z"}"""u8.ToArray()));

        var report = await bed.Ingest.HandleAsync(records);

        Assert.Equal(new IngestBatchReport(5, 2, 0, 3), report);
        Assert.Equal(2, (await bed.DayAsync("t", Today)).Events);
    }
}
