using System.Globalization;
using System.Net;
using System.Text.Json;
using GameBackend.Core.Events;

namespace GameBackend.Api.Tests.Analytics;

[Collection(ApiCollection.Name)]
public sealed class QueryEndpointsTests(SharedApiFactory factory)
{
    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TheoryData<string> Routes() => new()
    {
        "/v1/admin/analytics/days?from=2026-01-01&to=2026-01-02",
        "/v1/admin/analytics/hours?date=2026-01-01",
        "/v1/admin/analytics/retention?from=2026-01-01&to=2026-01-02",
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task The_routes_take_only_the_titles_server_key(string url)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Get, url).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(HttpMethod.Get, url, serverKey: title.ClientKey).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(HttpMethod.Get, url, serverKey: title.ServerKey + "x").AssertProblemAsync(401, "invalid_server_key");
        var session = await client.SignInDeviceAsync(title);
        await client.SendAsync(HttpMethod.Get, url, accessToken: session.AccessToken).AssertProblemAsync(401, "invalid_server_key");

        using var ok = await client.SendAsync(HttpMethod.Get, url, serverKey: title.ServerKey);
        await ok.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/v1/admin/analytics/days", "invalid_analytics_date", "from")]
    [InlineData("/v1/admin/analytics/days?from=2026-01-01", "invalid_analytics_date", "to")]
    [InlineData("/v1/admin/analytics/days?from=2026-02-30&to=2026-03-01", "invalid_analytics_date", "from")]
    [InlineData("/v1/admin/analytics/days?from=2026-01-01&to=tomorrow", "invalid_analytics_date", "to")]
    [InlineData("/v1/admin/analytics/days?from=0001-01-01&to=0001-01-02", "invalid_analytics_date", "from")]
    [InlineData("/v1/admin/analytics/days?from=2026-01-02&to=2026-01-01", "invalid_analytics_range", null)]
    [InlineData("/v1/admin/analytics/days?from=2026-01-01&to=2026-04-03", "invalid_analytics_range", null)]
    [InlineData("/v1/admin/analytics/hours", "invalid_analytics_date", "date")]
    [InlineData("/v1/admin/analytics/hours?date=2026-1-1", "invalid_analytics_date", "date")]
    [InlineData("/v1/admin/analytics/retention?from=x&to=2026-01-01", "invalid_analytics_date", "from")]
    [InlineData("/v1/admin/analytics/retention?from=2026-01-01&to=2026-12-31", "invalid_analytics_range", null)]
    public async Task Bad_dates_and_ranges_are_400s_with_stable_codes(string url, string code, string? parameter)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        var problem = await client.SendAsync(HttpMethod.Get, url, serverKey: title.ServerKey).AssertProblemAsync(400, code);

        if (parameter is not null)
        {
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
        }
        else if (url.Contains("2026-01-01&to", StringComparison.Ordinal))
        {
            Assert.Equal("92", problem.GetProperty("maxDays").GetString());
        }
    }

    [Fact]
    public async Task The_longest_range_is_answered_day_by_day()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(HttpMethod.Get, "/v1/admin/analytics/days?from=2026-01-01&to=2026-04-02", serverKey: title.ServerKey);

        var days = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("days");
        Assert.Equal(92, days.GetArrayLength());
        Assert.Equal("2026-04-02", days[91].GetProperty("date").GetString());
    }

    [Fact]
    public async Task Events_published_on_the_bus_are_answered_per_day_hour_and_cohort_for_their_title_only()
    {
        var (title, other) = (await factory.CreateTitleAsync(), await factory.CreateTitleAsync());
        using var client = factory.CreateClient();
        var now = factory.Time.GetUtcNow();
        var today = Date(now);
        static BackendEvent E(string title, string name, DateTimeOffset at, string? player = null, DateTimeOffset? since = null, string? properties = null) =>
            new(title, Guid.NewGuid().ToString("N"), name, at, player, null, properties is null ? null : JsonDocument.Parse(properties).RootElement.Clone(), since);

        var bus = factory.Get<IEventBus>();
        await bus.PublishAsync([
            E(title.Id, BackendEventNames.SignedIn, now, "p1", now),
            E(title.Id, BackendEventNames.SignedIn, now, "p2", now.AddDays(-1)),
            E(title.Id, BackendEventNames.MatchFormed, now),
            E(title.Id, "session_ended", now, properties: """{"relay":"r","region":"eu","members":0,"durationSeconds":90}"""),
            E(title.Id, BackendEventNames.RelayHeartbeat, now, properties: """{"relay":"r","region":"eu","sessions":1,"members":12}"""),
            E(other.Id, BackendEventNames.SignedIn, now, "p9", now),
        ]);

        var day = await WaitForEventsAsync(client, title, today, 5);
        Assert.Equal(2, day.GetProperty("dau").GetInt64());
        Assert.Equal(2, day.GetProperty("wau").GetInt64());
        Assert.Equal(1, day.GetProperty("newPlayers").GetInt64());
        Assert.Equal(1, day.GetProperty("matches").GetInt64());
        Assert.Equal(1, day.GetProperty("sessionsEnded").GetInt64());
        Assert.Equal(90, day.GetProperty("averageSessionSeconds").GetDouble());
        Assert.Equal(12, day.GetProperty("peakCcu").GetInt32());
        Assert.Equal(2, day.GetProperty("eventsByName").GetProperty(BackendEventNames.SignedIn).GetInt64());
        var buckets = day.GetProperty("sessionLengths");
        Assert.Equal(1, buckets.EnumerateArray().Single(b => b.GetProperty("upToSeconds").ValueKind == JsonValueKind.Number && b.GetProperty("upToSeconds").GetDouble() == 120).GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, buckets[buckets.GetArrayLength() - 1].GetProperty("upToSeconds").ValueKind);

        using var hoursResponse = await client.SendAsync(HttpMethod.Get, $"/v1/admin/analytics/hours?date={today}", serverKey: title.ServerKey);
        var hours = await hoursResponse.ReadJsonAsync(HttpStatusCode.OK);
        var hour = hours.GetProperty("hours")[now.UtcDateTime.Hour];
        Assert.Equal(5, hour.GetProperty("events").GetInt64());
        Assert.Equal(1, hour.GetProperty("matches").GetInt64());
        Assert.Equal(12, hour.GetProperty("peakCcu").GetInt32());
        Assert.Equal(300, hours.GetProperty("ccuSlotSeconds").GetInt32());
        Assert.Equal(288, hours.GetProperty("ccu").GetArrayLength());

        using var retentionResponse = await client.SendAsync(HttpMethod.Get, $"/v1/admin/analytics/retention?from={Date(now.AddDays(-1))}&to={today}", serverKey: title.ServerKey);
        var cohorts = (await retentionResponse.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("cohorts");
        Assert.Equal(0, cohorts[0].GetProperty("size").GetInt64());
        Assert.Equal(1, cohorts[0].GetProperty("d1").GetProperty("count").GetInt64());
        Assert.Equal(1, cohorts[1].GetProperty("size").GetInt64());
        Assert.Equal(JsonValueKind.Null, cohorts[1].GetProperty("d1").ValueKind);

        var otherDay = await WaitForEventsAsync(client, other, today, 1);
        Assert.Equal(1, otherDay.GetProperty("dau").GetInt64());
        Assert.Equal(0, otherDay.GetProperty("matches").GetInt64());
        Assert.Equal(0, otherDay.GetProperty("peakCcu").GetInt32());
    }

    private static async Task<JsonElement> WaitForEventsAsync(HttpClient client, TestTitle title, string date, long events)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"/v1/admin/analytics/days?from={date}&to={date}", serverKey: title.ServerKey);
            var day = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("days")[0];
            if (day.GetProperty("events").GetInt64() >= events || DateTime.UtcNow > deadline)
            {
                Assert.Equal(events, day.GetProperty("events").GetInt64());
                return day;
            }

            await Task.Delay(50);
        }
    }
}
