using System.Net;
using System.Text.Json;

namespace GameBackend.Api.Tests.Moderation;

[Collection(ApiCollection.Name)]
public sealed class ModerationEndpointsTests(SharedApiFactory factory)
{
    [Fact]
    public async Task A_player_files_a_report_and_a_repeat_returns_it()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var reported = await client.SignInDeviceAsync(title);

        using var created = await client.SendAsync(HttpMethod.Post, "/v1/reports",
            $$"""{"reportedPlayerId":"{{reported.PlayerId}}","category":"offensive_name","comment":"rude name"}""", reporter.AccessToken);
        var report = await created.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(reported.PlayerId, report.GetProperty("reportedPlayerId").GetString());
        Assert.Equal("offensive_name", report.GetProperty("category").GetString());
        Assert.Equal("rude name", report.GetProperty("comment").GetString());
        Assert.Equal("open", report.GetProperty("status").GetString());

        using var repeated = await client.SendAsync(HttpMethod.Post, "/v1/reports",
            $$"""{"reportedPlayerId":"{{reported.PlayerId}}","category":"spam"}""", reporter.AccessToken);
        var again = await repeated.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(report.GetProperty("reportId").GetString(), again.GetProperty("reportId").GetString());
        Assert.Equal("offensive_name", again.GetProperty("category").GetString());

        var queue = await ListOpenAsync(client, title);
        Assert.Single(queue.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"reportedPlayerId":"SELF","category":"cheating"}""", 400, "cannot_report_self")]
    [InlineData("""{"reportedPlayerId":"00000000000070008000000000000000","category":"cheating"}""", 404, "player_not_found")]
    [InlineData("""{"reportedPlayerId":"OTHER","category":"griefing"}""", 400, "invalid_report_category")]
    [InlineData("""{"reportedPlayerId":"OTHER","category":"cheating","comment":"LONG"}""", 400, "invalid_report_comment")]
    [InlineData("""{"reportedPlayerId":"OTHER"}""", 400, "missing_field")]
    [InlineData("""{"reportedPlayerId":"OTHER","category":"cheating","severity":3}""", 400, "unknown_field")]
    public async Task Bad_reports_are_refused_and_write_nothing(string template, int status, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var other = await client.SignInDeviceAsync(title);
        var body = template.Replace("SELF", reporter.PlayerId, StringComparison.Ordinal)
            .Replace("OTHER", other.PlayerId, StringComparison.Ordinal)
            .Replace("LONG", new string('x', 501), StringComparison.Ordinal);

        await client.SendAsync(HttpMethod.Post, "/v1/reports", body, reporter.AccessToken).AssertProblemAsync(status, code);

        Assert.Empty((await ListOpenAsync(client, title)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Another_titles_player_cannot_be_reported_and_the_queues_are_separate()
    {
        var title = await factory.CreateTitleAsync();
        var otherTitle = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var foreigner = await client.SignInDeviceAsync(otherTitle);
        var neighbour = await client.SignInDeviceAsync(otherTitle);

        await client.SendAsync(HttpMethod.Post, "/v1/reports", $$"""{"reportedPlayerId":"{{foreigner.PlayerId}}","category":"spam"}""", reporter.AccessToken)
            .AssertProblemAsync(404, "player_not_found");
        using var filed = await client.SendAsync(HttpMethod.Post, "/v1/reports",
            $$"""{"reportedPlayerId":"{{foreigner.PlayerId}}","category":"spam"}""", neighbour.AccessToken);
        var report = await filed.ReadJsonAsync(HttpStatusCode.Created);

        Assert.Empty((await ListOpenAsync(client, title)).GetProperty("items").EnumerateArray());
        await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{foreigner.PlayerId}/reports", serverKey: title.ServerKey).AssertProblemAsync(404, "player_not_found");
        await client.SendAsync(HttpMethod.Post, $"/v1/admin/reports/{report.GetProperty("reportId").GetString()}/resolve", """{"action":"dismiss"}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "report_not_found");
        Assert.Single((await ListOpenAsync(client, otherTitle)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_daily_cap_is_429()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        for (var i = 0; i < 20; i++)
        {
            var target = await client.SignInDeviceAsync(title);
            using var ok = await client.SendAsync(HttpMethod.Post, "/v1/reports", $$"""{"reportedPlayerId":"{{target.PlayerId}}","category":"spam"}""", reporter.AccessToken);
            await ok.ReadJsonAsync(HttpStatusCode.Created);
        }

        var last = await client.SignInDeviceAsync(title);
        await client.SendAsync(HttpMethod.Post, "/v1/reports", $$"""{"reportedPlayerId":"{{last.PlayerId}}","category":"spam"}""", reporter.AccessToken)
            .AssertProblemAsync(429, "report_limit_reached");
    }

    [Fact]
    public async Task Reporting_needs_a_bearer_token()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reported = await client.SignInDeviceAsync(title);
        await client.SendAsync(HttpMethod.Post, "/v1/reports", $$"""{"reportedPlayerId":"{{reported.PlayerId}}","category":"spam"}""")
            .AssertProblemAsync(401, "invalid_token");
    }

    [Theory]
    [InlineData("GET", "/v1/admin/reports")]
    [InlineData("GET", "/v1/admin/players/00000000000070008000000000000000/reports")]
    [InlineData("POST", "/v1/admin/reports/00000000000070008000000000000000/resolve")]
    public async Task Admin_routes_need_the_server_key(string method, string url)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var player = await client.SignInDeviceAsync(title);
        var body = method == "POST" ? """{"action":"dismiss"}""" : null;

        await client.SendAsync(new HttpMethod(method), url, body).AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(new HttpMethod(method), url, body, serverKey: title.ServerKey + "x").AssertProblemAsync(401, "invalid_server_key");
        await client.SendAsync(new HttpMethod(method), url, body, accessToken: player.AccessToken).AssertProblemAsync(401, "invalid_server_key");
    }

    [Fact]
    public async Task A_ban_resolution_bans_the_player_and_moves_the_report_out_of_the_queue()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var cheater = await client.SignInDeviceAsync(title);
        var reportId = await FileAsync(client, reporter, cheater.PlayerId, "cheating");
        var until = factory.Time.GetUtcNow().AddDays(3).ToString("O");

        using var resolved = await client.SendAsync(HttpMethod.Post, $"/v1/admin/reports/{reportId}/resolve",
            $$"""{"action":"ban","banUntil":"{{until}}","note":"speed hack"}""", serverKey: title.ServerKey);
        var report = await resolved.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("resolved", report.GetProperty("status").GetString());
        Assert.Equal("ban", report.GetProperty("resolution").GetProperty("action").GetString());
        Assert.Equal(reporter.PlayerId, report.GetProperty("reporterId").GetString());

        // The foundation enforces the ban on the cheater's next request.
        await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: cheater.AccessToken).AssertProblemAsync(403, "account_banned");
        Assert.Empty((await ListOpenAsync(client, title)).GetProperty("items").EnumerateArray());

        using var about = await client.SendAsync(HttpMethod.Get, $"/v1/admin/players/{cheater.PlayerId}/reports", serverKey: title.ServerKey);
        var listed = Assert.Single((await about.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("resolved", listed.GetProperty("status").GetString());
        Assert.Equal("speed hack", listed.GetProperty("resolution").GetProperty("note").GetString());

        // Resolving again is harmless and answers the recorded resolution.
        using var again = await client.SendAsync(HttpMethod.Post, $"/v1/admin/reports/{reportId}/resolve", """{"action":"dismiss"}""", serverKey: title.ServerKey);
        Assert.Equal("ban", (await again.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("resolution").GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_dismissal_leaves_the_player_alone()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var reported = await client.SignInDeviceAsync(title);
        var reportId = await FileAsync(client, reporter, reported.PlayerId, "harassment");

        using var resolved = await client.SendAsync(HttpMethod.Post, $"/v1/admin/reports/{reportId}/resolve", """{"action":"dismiss","note":"banter"}""", serverKey: title.ServerKey);
        Assert.Equal("dismiss", (await resolved.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("resolution").GetProperty("action").GetString());

        using var profile = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: reported.AccessToken);
        await profile.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Empty((await ListOpenAsync(client, title)).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"action":"mute"}""", 400, "invalid_report_action")]
    [InlineData("""{"action":"ban"}""", 400, "invalid_ban_until")]
    [InlineData("""{"action":"ban","banUntil":"2001-01-01T00:00:00Z"}""", 400, "invalid_ban_until")]
    [InlineData("""{"action":"dismiss","banUntil":"2999-01-01T00:00:00Z"}""", 400, "invalid_ban_until")]
    [InlineData("""{"action":"dismiss","note":"LONG"}""", 400, "invalid_report_note")]
    [InlineData("""{"note":"x"}""", 400, "missing_field")]
    public async Task Bad_resolutions_are_refused_and_change_nothing(string template, int status, string code)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var reported = await client.SignInDeviceAsync(title);
        var reportId = await FileAsync(client, reporter, reported.PlayerId, "spam");

        await client.SendAsync(HttpMethod.Post, $"/v1/admin/reports/{reportId}/resolve", template.Replace("LONG", new string('n', 300), StringComparison.Ordinal), serverKey: title.ServerKey)
            .AssertProblemAsync(status, code);

        Assert.Single((await ListOpenAsync(client, title)).GetProperty("items").EnumerateArray());
        using var profile = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: reported.AccessToken);
        await profile.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_reports_are_404()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Post, "/v1/admin/reports/00000000000070008000000000000000/resolve", """{"action":"dismiss"}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "report_not_found");
        await client.SendAsync(HttpMethod.Post, "/v1/admin/reports/garbage/resolve", """{"action":"dismiss"}""", serverKey: title.ServerKey)
            .AssertProblemAsync(404, "report_not_found");
    }

    [Fact]
    public async Task The_queue_pages_newest_first_with_a_cursor()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var reporter = await client.SignInDeviceAsync(title);
        var filed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            factory.Time.Advance(TimeSpan.FromMilliseconds(5));
            var target = await client.SignInDeviceAsync(title);
            filed.Add(await FileAsync(client, reporter, target.PlayerId, "other"));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var url = "/v1/admin/reports?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await client.SendAsync(HttpMethod.Get, url, serverKey: title.ServerKey);
            var page = await response.ReadJsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("reportId").GetString()!));
            cursor = page.GetProperty("cursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(filed), seen);
        await client.SendAsync(HttpMethod.Get, "/v1/admin/reports?limit=0", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_report_page_limit");
        await client.SendAsync(HttpMethod.Get, "/v1/admin/reports?limit=abc", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_report_page_limit");
        await client.SendAsync(HttpMethod.Get, "/v1/admin/reports?cursor=forged", serverKey: title.ServerKey).AssertProblemAsync(400, "invalid_continuation_token");
    }

    [Fact]
    public async Task OpenApi_lists_the_moderation_routes()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var paths = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("paths");
        foreach (var (path, method) in new[]
        {
            ("/v1/reports", "post"),
            ("/v1/admin/reports", "get"),
            ("/v1/admin/players/{playerId}/reports", "get"),
            ("/v1/admin/reports/{reportId}/resolve", "post"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal("Moderation", operation.GetProperty("tags")[0].GetString());
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{method} {path} lacks its 401");
        }
    }

    private static async Task<string> FileAsync(HttpClient client, Session reporter, string reportedPlayerId, string category)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/v1/reports", $$"""{"reportedPlayerId":"{{reportedPlayerId}}","category":"{{category}}"}""", reporter.AccessToken);
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("reportId").GetString()!;
    }

    private static async Task<JsonElement> ListOpenAsync(HttpClient client, TestTitle title)
    {
        using var response = await client.SendAsync(HttpMethod.Get, "/v1/admin/reports", serverKey: title.ServerKey);
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }
}
