using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GameBackend.Api.Tests.Sessions;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Api.Tests.Analytics;

/// <summary>
/// POST /v1/analytics/events: valid events reach the bus stamped with the token's title and player and the account's
/// creation time; bad events are listed one by one; bad requests are 4xx and publish nothing; a refusing bus is a 503
/// that reports nothing as accepted.
/// </summary>
public sealed class IngestEndpointsTests : IClassFixture<IngestEndpointsTests.Fixture>
{
    private const string Route = "/v1/analytics/events";
    private readonly Fixture _fixture;

    public IngestEndpointsTests(Fixture fixture) => _fixture = fixture;

    /// <summary>One host for the class: a bus that records, the real store, the real auth filter.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public RecordingEventBus Bus { get; } = new();

        public ApiFactory Factory { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public Task InitializeAsync()
        {
            Factory = new ApiFactory(null, services => services.AddSingleton<IEventBus>(Bus));
            Client = Factory.CreateClient();
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Factory.DisposeAsync();
        }
    }

    private HttpClient Client => _fixture.Client;

    private RecordingEventBus Bus => _fixture.Bus;

    private DateTimeOffset Now => _fixture.Factory.Time.GetUtcNow();

    private async Task<(TestTitle Title, Session Player)> NewPlayerAsync()
    {
        var title = await _fixture.Factory.CreateTitleAsync();
        return (title, await Client.SignInDeviceAsync(title));
    }

    private string Time(TimeSpan offset = default) => (Now + offset).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private string Event(string id, string name = "level_up", string? time = null, string extra = "") =>
        $$"""{"id":"{{id}}","name":"{{name}}","time":"{{time ?? Time(TimeSpan.FromSeconds(-10))}}"{{extra}}}""";

    private static string Batch(params string[] events) => "{\"events\":[" + string.Join(',', events) + "]}";

    private List<BackendEvent> PublishedFor(string playerId) => Bus.Events.Where(e => e.PlayerId == playerId && e.Name != BackendEventNames.SignedIn && e.Name != BackendEventNames.AccountCreated).ToList();

    private Task<HttpResponseMessage> PostAsync(string body, Session player) => Client.SendAsync(HttpMethod.Post, Route, body, accessToken: player.AccessToken);

    [Fact]
    public async Task Valid_events_reach_the_bus_as_the_token_says_with_the_accounts_creation_time()
    {
        var (title, player) = await NewPlayerAsync();
        using var accountResponse = await Client.SendAsync(HttpMethod.Get, "/v1/account", accessToken: player.AccessToken);
        var createdAt = (await accountResponse.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("createdAt").GetDateTimeOffset();

        using var response = await PostAsync(Batch(
            Event("e1", extra: ""","sessionId":"s-1","properties":{"level":3,"class":"mage"}"""),
            Event("e2", name: "shop_open")), player);

        var body = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("rejected").GetArrayLength());
        var published = PublishedFor(player.PlayerId);
        Assert.Equal(["level_up", "shop_open"], published.Select(e => e.Name));
        Assert.All(published, e => Assert.Equal((title.Id, player.PlayerId, (DateTimeOffset?)createdAt), (e.TitleId, e.PlayerId, e.PlayerSince)));
        Assert.Equal([player.PlayerId + ".e1", player.PlayerId + ".e2"], published.Select(e => e.Id));
        Assert.Equal("s-1", published[0].SessionId);
        Assert.Equal(3, published[0].Properties!.Value.GetProperty("level").GetInt32());
    }

    [Fact]
    public async Task A_mixed_batch_accepts_the_valid_events_and_lists_each_bad_one()
    {
        var (_, player) = await NewPlayerAsync();

        using var response = await PostAsync(Batch(
            Event("ok-1"),
            Event("bad-name", name: "Level Up"),
            "17",
            Event("ok-2"),
            Event("ok-1", name: "again"),
            Event("too-old", time: Time(-TelemetryLimits.MaxEventAge - TimeSpan.FromMinutes(1))),
            Event("reserved", name: "signed_in"),
            Event("other-title", extra: ""","titleId":"0192f4c5a1b27c3d8e9f0a1b2c3d4e5f","playerId":"0192f4c5a1b27c3d8e9f0a1b2c3d4e60" """)), player);

        var body = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        var rejected = body.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("id").GetString(), r.GetProperty("code").GetString(), r.GetProperty("field").GetString()))
            .ToList();
        Assert.Equal(
        [
            (1, "bad-name", "invalid_event_name", "name"),
            (2, null, "invalid_event", null),
            (4, "ok-1", "duplicate_event_id", "id"),
            (5, "too-old", "event_time_out_of_range", "time"),
            (6, "reserved", "reserved_event_name", "name"),
            (7, "other-title", "unknown_event_field", "titleId"),
        ], rejected);
        Assert.All(body.GetProperty("rejected").EnumerateArray(), r => Assert.False(string.IsNullOrEmpty(r.GetProperty("detail").GetString())));
        Assert.Equal([player.PlayerId + ".ok-1", player.PlayerId + ".ok-2"], PublishedFor(player.PlayerId).Select(e => e.Id));
    }

    [Fact]
    public async Task A_batch_without_a_valid_event_is_400_with_the_reasons_and_publishes_nothing()
    {
        var (_, player) = await NewPlayerAsync();

        var problem = await PostAsync(Batch(Event("a", name: "session_started"), Event("b", time: "tomorrow")), player).AssertProblemAsync(400, "no_valid_events");
        var empty = await PostAsync(Batch(), player).AssertProblemAsync(400, "no_valid_events");

        Assert.Equal(["reserved_event_name", "invalid_event_time"], problem.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        Assert.Equal(0, empty.GetProperty("rejected").GetArrayLength());
        Assert.Empty(PublishedFor(player.PlayerId));
    }

    public static TheoryData<string, int, string> BadBodies() => new()
    {
        { "not json", 400, "invalid_json" },
        { "[]", 400, "invalid_json" },
        { "\"events\"", 400, "invalid_json" },
        { "{}", 400, "missing_field" },
        { "{\"events\":{}}", 400, "invalid_json" },
        { "{\"events\":null}", 400, "invalid_json" },
        { "{\"events\":[],\"events\":[]}", 400, "invalid_json" },
        { "{\"evnts\":[]}", 400, "unknown_field" },
        { "{\"titleId\":\"another\",\"events\":[]}", 400, "unknown_field" },
        { "{\"events\":[{\"id\":\"a\"}]} trailing", 400, "invalid_json" },
        { "{\"events\":[{\"id\":\"a\",}]}", 400, "invalid_json" },
        { "{\"events\":[{\"id\":\"a\"}", 400, "invalid_json" },
        { "{\"events\":[" + new string('[', 100) + new string(']', 100) + "]}", 400, "invalid_json" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_body_of_another_shape_is_refused_whole(string body, int status, string code)
    {
        var (_, player) = await NewPlayerAsync();

        await PostAsync(body.Replace("{\"id\":\"a\"}", Event("a"), StringComparison.Ordinal), player).AssertProblemAsync(status, code);

        Assert.Empty(PublishedFor(player.PlayerId));
    }

    [Fact]
    public async Task More_than_500_events_is_413_too_many_events_and_500_are_fine()
    {
        var (_, player) = await NewPlayerAsync();
        var events = Enumerable.Range(0, TelemetryLimits.MaxEventsPerBatch + 1).Select(i => Event("e" + i.ToString(CultureInfo.InvariantCulture))).ToArray();

        await PostAsync(Batch(events), player).AssertProblemAsync(413, "too_many_events");
        Assert.Empty(PublishedFor(player.PlayerId));

        using var response = await PostAsync(Batch(events[..^1]), player);
        Assert.Equal(500, (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        Assert.Equal(500, PublishedFor(player.PlayerId).Count);
    }

    [Fact]
    public async Task A_body_up_to_1_MiB_is_read_and_a_larger_one_is_413_whether_announced_or_chunked()
    {
        var (_, player) = await NewPlayerAsync();
        var padding = ",\"properties\":{" + string.Join(',', Enumerable.Range(0, 8).Select(i => $"\"p{i}\":\"{new string('x', 240)}\"")) + "}";
        var events = Enumerable.Range(0, 500).Select(i => Event("big" + i.ToString(CultureInfo.InvariantCulture), extra: padding)).ToArray();
        var body = Batch(events);
        body = body[..^2] + new string(' ', TelemetryLimits.MaxBatchBytes - Encoding.UTF8.GetByteCount(body)) + "]}";
        Assert.Equal(TelemetryLimits.MaxBatchBytes, Encoding.UTF8.GetByteCount(body));

        using (var response = await PostAsync(body, player))
        {
            Assert.Equal(500, (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        }

        var tooLarge = body[..^2] + " ]}";
        await PostAsync(tooLarge, player).AssertProblemAsync(413, "request_too_large");

        using var chunked = new HttpRequestMessage(HttpMethod.Post, Route)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(tooLarge))),
        };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", player.AccessToken);
        await Client.SendAsync(chunked).AssertProblemAsync(413, "request_too_large");
        Assert.Equal(500, PublishedFor(player.PlayerId).Count);
    }

    [Fact]
    public async Task Only_json_is_accepted()
    {
        var (_, player) = await NewPlayerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent(Batch(Event("a")), Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", player.AccessToken);

        await Client.SendAsync(request).AssertProblemAsync(415, "unsupported_media_type");
        await PostAsync("", player).AssertProblemAsync(400, "invalid_json");
        Assert.Empty(PublishedFor(player.PlayerId));
    }

    [Fact]
    public async Task A_player_access_token_is_required()
    {
        var (title, player) = await NewPlayerAsync();

        await Client.SendAsync(HttpMethod.Post, Route, Batch(Event("a"))).AssertProblemAsync(401, "invalid_token");
        await Client.SendAsync(HttpMethod.Post, Route, Batch(Event("a")), accessToken: player.AccessToken + "x").AssertProblemAsync(401, "invalid_token");
        await Client.SendAsync(HttpMethod.Post, Route, Batch(Event("a")), serverKey: title.ServerKey).AssertProblemAsync(401, "invalid_token");
        await Client.SendAsync(HttpMethod.Post, Route, Batch(Event("a")), clientKey: title.ClientKey).AssertProblemAsync(401, "invalid_token");

        using (var disabled = await Client.SendAsync(HttpMethod.Post, $"/v1/admin/players/{player.PlayerId}/disable", serverKey: title.ServerKey))
        {
            Assert.True(disabled.IsSuccessStatusCode);
        }

        using var refused = await PostAsync(Batch(Event("a")), player);
        Assert.InRange((int)refused.StatusCode, 401, 403);
        Assert.Empty(PublishedFor(player.PlayerId));
    }

    [Fact]
    public async Task Random_damage_to_a_batch_never_gets_a_5xx()
    {
        var (_, player) = await NewPlayerAsync();
        var valid = Batch(Event("a", extra: ""","sessionId":"s","properties":{"k":"v","n":1.5,"b":true,"z":null}"""), Event("b"));
        var random = new Random(20251125);
        const string alphabet = "{}[]\":,\\ 0123456789.eE-+truefalsnl\u00e9\u20ac\ud83d\ude00idnametimepropertiessessionId";
        for (var i = 0; i < 150; i++)
        {
            var chars = valid.ToCharArray();
            var edits = random.Next(1, 6);
            for (var k = 0; k < edits; k++)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var damaged = new string(chars);
            if (random.Next(4) == 0)
            {
                damaged = damaged[..random.Next(damaged.Length)];
            }

            using var response = await PostAsync(damaged, player);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {damaged}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_bus_that_refuses_is_503_with_retry_after_and_accepts_nothing_until_the_resend()
    {
        var bus = new RecordingEventBus();
        await using var factory = new ApiFactory(null, services => services.AddSingleton<IEventBus>(bus));
        using var client = factory.CreateClient();
        var title = await factory.CreateTitleAsync();
        var player = await client.SignInDeviceAsync(title);
        var body = "{\"events\":[" + $$"""{"id":"retry-1","name":"level_up","time":"{{factory.Time.GetUtcNow():O}}"}""" + "]}";
        bus.Unavailable = true;

        using (var refused = await client.SendAsync(HttpMethod.Post, Route, body, accessToken: player.AccessToken))
        {
            var problem = await refused.AssertProblemAsync(503, "event_bus_unavailable");
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.False(problem.TryGetProperty("accepted", out _));
        }

        Assert.DoesNotContain(bus.Events, e => e.Name == "level_up");
        bus.Unavailable = false;
        using var accepted = await client.SendAsync(HttpMethod.Post, Route, body, accessToken: player.AccessToken);
        Assert.Equal(1, (await accepted.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        Assert.Equal(player.PlayerId + ".retry-1", Assert.Single(bus.Events, e => e.Name == "level_up").Id);
    }

    [Fact]
    public async Task A_sign_in_publishes_through_the_same_bus_and_survives_a_refusing_one()
    {
        var bus = new RecordingEventBus();
        await using var factory = new ApiFactory(null, services => services.AddSingleton<IEventBus>(bus));
        using var client = factory.CreateClient();
        var title = await factory.CreateTitleAsync();

        var first = await client.SignInDeviceAsync(title);
        bus.Unavailable = true;
        var second = await client.SignInDeviceAsync(title);

        Assert.Equal(["account_created", "signed_in"], bus.Events.Where(e => e.PlayerId == first.PlayerId).Select(e => e.Name));
        Assert.True(second.Created);
        Assert.DoesNotContain(bus.Events, e => e.PlayerId == second.PlayerId);
        Assert.Equal(2, factory.Get<BestEffortEventPublisher>().Dropped);
    }
}
