using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GameBackend.Core.Events;
using GameBackend.Core.Tests.Support;
using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Api.Tests.Sessions;

/// <summary>Signed heartbeats as a relay sends them.</summary>
public static class RelayHeartbeats
{
    public static string Body(
        string relayId = "relay-1", string region = "eu", string endpoint = "203.0.113.10:7777", int capacity = 100, int load = 0, bool draining = false, string events = "[]") =>
        $$"""{"relayId":"{{relayId}}","region":"{{region}}","endpoint":"{{endpoint}}","capacity":{{capacity}},"load":{{load}},"sessions":{{load}},"members":{{load * 2}},"version":"1.4.0","draining":{{(draining ? "true" : "false")}},"events":{{events}}}""";

    public static string Event(string name, string sessionId, string time, int members, string? durationSeconds = null) =>
        $$"""{"name":"{{name}}","sessionId":"{{sessionId}}","time":{{time}},"members":{{members}}{{(durationSeconds is null ? "" : $",\"durationSeconds\":{durationSeconds}")}}}""";

    public static async Task<IReadOnlyList<SigningKey>> ActiveKeysAsync(ApiFactory factory, string titleId) =>
        (await factory.Get<TitleService>().FindAsync(titleId, refresh: true))!.RelayKeys.Where(k => k.RetiredAt is null).ToList();

    /// <summary>
    /// A heartbeat signed with <paramref name="key"/>; <paramref name="signedBody"/> (default: the body) is what the
    /// signature covers, so a test can send different bytes than it signed.
    /// </summary>
    public static HttpRequestMessage Request(
        ApiFactory factory, string titleId, SigningKey key, string body, TimeSpan skew = default, string? signedBody = null, string contentType = "application/json")
    {
        var timestamp = RelaySignature.TimestampText(factory.Time.GetUtcNow() + skew);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/relays/heartbeat") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add(RelaySignature.TitleHeader, titleId);
        request.Headers.Add(RelaySignature.TimestampHeader, timestamp);
        request.Headers.Add(RelaySignature.SignatureHeader, RelaySignature.Create(key.KeyId, key.Secret, timestamp, Encoding.UTF8.GetBytes(signedBody ?? body)));
        return request;
    }

    public static async Task<JsonElement> SendAsync(HttpClient client, ApiFactory factory, string titleId, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var key = (await ActiveKeysAsync(factory, titleId))[0];
        using var request = Request(factory, titleId, key, body);
        using var response = await client.SendAsync(request);
        return await response.ReadJsonAsync(expected);
    }

    public static async Task<JsonElement[]> ListAsync(HttpClient client, TestTitle title)
    {
        using var response = await client.SendAsync(HttpMethod.Get, "/v1/admin/relays", serverKey: title.ServerKey);
        return (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToArray();
    }
}

[Collection(ApiCollection.Name)]
public sealed class RelayEndpointsTests(SharedApiFactory factory)
{
    private async Task<HttpResponseMessage> SendAsync(HttpClient client, string titleId, SigningKey key, string body, TimeSpan skew = default, string? signedBody = null, string contentType = "application/json")
    {
        using var request = RelayHeartbeats.Request(factory, titleId, key, body, skew, signedBody, contentType);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_heartbeat_registers_the_relay_and_answers_the_titles_relay_keys()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var key = Assert.Single(await RelayHeartbeats.ActiveKeysAsync(factory, title.Id));

        using var response = await SendAsync(client, title.Id, key, RelayHeartbeats.Body(load: 12));
        var answer = await response.ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(5, answer.GetProperty("heartbeatSeconds").GetInt32());
        var relayKey = Assert.Single(answer.GetProperty("relayKeys").EnumerateArray());
        Assert.Equal(key.KeyId, relayKey.GetProperty("keyId").GetString());
        Assert.Equal(key.Secret, System.Buffers.Text.Base64Url.DecodeFromChars(relayKey.GetProperty("secret").GetString()));
        Assert.Equal(["heartbeatSeconds", "relayKeys"], answer.EnumerateObject().Select(p => p.Name).Order());

        var relay = Assert.Single(await RelayHeartbeats.ListAsync(client, title));
        Assert.Equal("relay-1", relay.GetProperty("relayId").GetString());
        Assert.Equal("eu", relay.GetProperty("region").GetString());
        Assert.Equal("203.0.113.10:7777", relay.GetProperty("endpoint").GetString());
        Assert.Equal((100, 12.0, 12, 24), (relay.GetProperty("capacity").GetInt32(), relay.GetProperty("load").GetDouble(), relay.GetProperty("sessions").GetInt32(), relay.GetProperty("members").GetInt32()));
        Assert.Equal("1.4.0", relay.GetProperty("version").GetString());
        Assert.False(relay.GetProperty("draining").GetBoolean());
        Assert.True(relay.GetProperty("healthy").GetBoolean());
        Assert.Equal(factory.Time.GetUtcNow(), relay.GetProperty("lastHeartbeatAt").GetDateTimeOffset());
        Assert.Equal(factory.Time.GetUtcNow() + RelayRegistry.Lifetime, relay.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_rotated_relay_key_shows_in_the_next_answer_and_signs_from_then_on()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var first = Assert.Single(await RelayHeartbeats.ActiveKeysAsync(factory, title.Id));
        using (var rotate = await client.SendAsync(HttpMethod.Post, "/v1/admin/keys/relay/rotate", serverKey: title.ServerKey))
        {
            await rotate.ReadJsonAsync(HttpStatusCode.OK);
        }

        using var response = await SendAsync(client, title.Id, first, RelayHeartbeats.Body());
        var keys = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("relayKeys").EnumerateArray().Select(k => k.GetProperty("keyId").GetString()).ToArray();

        Assert.Equal(2, keys.Length);
        Assert.Contains(first.KeyId, keys);
        var second = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id)).Single(k => k.KeyId != first.KeyId);
        Assert.Contains(second.KeyId, keys);
        using var signedWithNew = await SendAsync(client, title.Id, second, RelayHeartbeats.Body());
        await signedWithNew.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unsigned_forged_stale_and_foreign_heartbeats_are_401_and_register_nothing()
    {
        var title = await factory.CreateTitleAsync();
        var other = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var key = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id))[0];
        var othersKey = (await RelayHeartbeats.ActiveKeysAsync(factory, other.Id))[0];
        var body = RelayHeartbeats.Body();

        await (await SendAsync(client, title.Id, key with { Secret = new byte[32] }, body)).AssertProblemAsync(401, "invalid_relay_signature");
        await (await SendAsync(client, title.Id, key, body, signedBody: RelayHeartbeats.Body(load: 1))).AssertProblemAsync(401, "invalid_relay_signature");
        await (await SendAsync(client, title.Id, othersKey, body)).AssertProblemAsync(401, "invalid_relay_signature");
        await (await SendAsync(client, title.Id, key, body, skew: TimeSpan.FromSeconds(-61))).AssertProblemAsync(401, "invalid_relay_timestamp");
        await (await SendAsync(client, title.Id, key, body, skew: TimeSpan.FromSeconds(61))).AssertProblemAsync(401, "invalid_relay_timestamp");

        using (var unsigned = ApiClient.Request(HttpMethod.Post, "/v1/relays/heartbeat", body))
        {
            await (await client.SendAsync(unsigned)).AssertProblemAsync(401, "invalid_relay_timestamp");
        }

        using (var noSignature = RelayHeartbeats.Request(factory, title.Id, key, body))
        {
            noSignature.Headers.Remove(RelaySignature.SignatureHeader);
            await (await client.SendAsync(noSignature)).AssertProblemAsync(401, "invalid_relay_signature");
        }

        using (var twoTitles = RelayHeartbeats.Request(factory, title.Id, key, body))
        {
            twoTitles.Headers.Add(RelaySignature.TitleHeader, other.Id);
            await (await client.SendAsync(twoTitles)).AssertProblemAsync(401, "invalid_relay_signature");
        }

        // A server key is not a relay credential.
        await client.SendAsync(HttpMethod.Post, "/v1/relays/heartbeat", body, serverKey: title.ServerKey).AssertProblemAsync(401, "invalid_relay_timestamp");

        Assert.Empty(await RelayHeartbeats.ListAsync(client, title));
        Assert.Empty(await RelayHeartbeats.ListAsync(client, other));
    }

    [Fact]
    public async Task A_retired_relay_key_no_longer_authenticates()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var first = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id))[0];
        for (var i = 0; i < 3; i++)
        {
            using var rotate = await client.SendAsync(HttpMethod.Post, "/v1/admin/keys/relay/rotate", serverKey: title.ServerKey);
            await rotate.ReadJsonAsync(HttpStatusCode.OK);
        }

        var active = await RelayHeartbeats.ActiveKeysAsync(factory, title.Id);
        Assert.DoesNotContain(active, k => k.KeyId == first.KeyId);

        await (await SendAsync(client, title.Id, first, RelayHeartbeats.Body())).AssertProblemAsync(401, "invalid_relay_signature");
        using var response = await SendAsync(client, title.Id, active[0], RelayHeartbeats.Body());
        var keys = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("relayKeys").EnumerateArray().Select(k => k.GetProperty("keyId").GetString()).Order();
        Assert.Equal(active.Select(k => k.KeyId).Order(), keys);
    }

    public static TheoryData<string, int, string, string?> BadBodies()
    {
        var session = new string('a', 32);
        var started = RelayHeartbeats.Event("session_started", session, "\"2025-01-01T00:00:00Z\"", 2);
        return new()
        {
            { RelayHeartbeats.Body(relayId: "Relay 1"), 400, "invalid_relay_heartbeat", "relayId" },
            { RelayHeartbeats.Body(region: ""), 400, "invalid_relay_heartbeat", "region" },
            { RelayHeartbeats.Body(endpoint: "relay.example.com"), 400, "invalid_relay_heartbeat", "endpoint" },
            { RelayHeartbeats.Body(capacity: -5), 400, "invalid_relay_heartbeat", "capacity" },
            { RelayHeartbeats.Body(load: -1), 400, "invalid_relay_heartbeat", "load" },
            { RelayHeartbeats.Body(events: "[" + RelayHeartbeats.Event("session_resumed", session, "1", 2) + "]"), 400, "invalid_relay_heartbeat", "events[0].name" },
            { RelayHeartbeats.Body(events: "[null]"), 400, "invalid_relay_heartbeat", "events[0]" },
            { RelayHeartbeats.Body(events: "[" + string.Join(',', Enumerable.Repeat(RelayHeartbeats.Event("session_started", session, "1", 2), 1001)) + "]"), 400, "invalid_relay_heartbeat", "events" },
            { RelayHeartbeats.Body().Replace("\"load\":0", "\"load\":\"0\"", StringComparison.Ordinal), 400, "invalid_json", null },
            { RelayHeartbeats.Body().Replace("\"sessions\":0", "\"sessions\":0.5", StringComparison.Ordinal), 400, "invalid_json", null },
            { RelayHeartbeats.Body().Replace("\"draining\":false", "\"draining\":0", StringComparison.Ordinal), 400, "invalid_json", null },
            { RelayHeartbeats.Body().Replace("\"version\":\"1.4.0\",", "", StringComparison.Ordinal), 400, "missing_field", null },
            { RelayHeartbeats.Body().Replace("\"events\":[]", "\"events\":[],\"zone\":\"a\"", StringComparison.Ordinal), 400, "unknown_field", null },
            { RelayHeartbeats.Body(events: "[" + started.Replace("\"members\":2", "\"members\":2,\"extra\":1", StringComparison.Ordinal) + "]"), 400, "unknown_field", null },
            { RelayHeartbeats.Body(events: "[" + started.Replace("\"2025-01-01T00:00:00Z\"", "\"yesterday\"", StringComparison.Ordinal) + "]"), 400, "invalid_json", null },
            { RelayHeartbeats.Body().Replace("\"relayId\":\"relay-1\"", "\"relayId\":null", StringComparison.Ordinal), 400, "invalid_json", null },
            { RelayHeartbeats.Body()[..^1], 400, "invalid_json", null },
            { "[]", 400, "invalid_json", null },
            { "", 400, "invalid_json", null },
            { """{"relayId":"x","relayId":"y"}""", 400, "invalid_json", null },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_with_a_good_signature_is_refused_and_registers_nothing(string body, int status, string code, string? field)
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var key = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id))[0];

        var problem = await (await SendAsync(client, title.Id, key, body)).AssertProblemAsync(status, code);

        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        Assert.Empty(await RelayHeartbeats.ListAsync(client, title));
    }

    [Fact]
    public async Task A_body_that_is_not_json_or_too_large_is_refused()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var key = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id))[0];

        await (await SendAsync(client, title.Id, key, RelayHeartbeats.Body(), contentType: "text/plain")).AssertProblemAsync(415, "unsupported_media_type");
        var huge = RelayHeartbeats.Body().Replace("\"1.4.0\"", "\"" + new string('v', RelayRegistry.MaxHeartbeatBytes) + "\"", StringComparison.Ordinal);
        await (await SendAsync(client, title.Id, key, huge)).AssertProblemAsync(413, "request_too_large");
        Assert.Empty(await RelayHeartbeats.ListAsync(client, title));
    }

    [Fact]
    public async Task A_heartbeat_may_carry_a_thousand_events_past_the_apis_usual_body_limit()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var time = "\"" + factory.Time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\"";
        var events = Enumerable.Range(0, RelayRegistry.MaxEvents).Select(i => RelayHeartbeats.Event("session_ended", i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), time, 0, "600.25"));
        var body = RelayHeartbeats.Body(events: "[" + string.Join(',', events) + "]");
        Assert.True(Encoding.UTF8.GetByteCount(body) > 64 * 1024);

        await RelayHeartbeats.SendAsync(client, factory, title.Id, body);

        Assert.Single(await RelayHeartbeats.ListAsync(client, title));
    }

    [Fact]
    public async Task Titles_see_and_allocate_only_their_own_relays()
    {
        var a = await factory.CreateTitleAsync();
        var b = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await RelayHeartbeats.SendAsync(client, factory, a.Id, RelayHeartbeats.Body(relayId: "relay-a", region: "eu", endpoint: "203.0.113.77:7777"));

        Assert.Single(await RelayHeartbeats.ListAsync(client, a));
        Assert.Empty(await RelayHeartbeats.ListAsync(client, b));

        // B's match goes to the configured relay (Hosts.Local's 127.0.0.1:7777), never to A's registered one.
        var endpoint = await MatchEndpointAsync(client, b);
        Assert.Equal("127.0.0.1:7777", endpoint);
    }

    [Fact]
    public async Task The_tick_assigns_matches_to_the_registered_relay_of_their_region()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body(relayId: "eu-1", region: "eu", endpoint: "relay-eu-1.example.com:40000", load: 50));
        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body(relayId: "eu-2", region: "eu", endpoint: "relay-eu-2.example.com:40000", load: 10));
        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body(relayId: "na-1", region: "na", endpoint: "relay-na-1.example.com:40000"));

        Assert.Equal("relay-eu-2.example.com:40000", await MatchEndpointAsync(client, title));

        // Draining takes a relay out of allocation at its next heartbeat (once the directory's one-second read expires).
        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body(relayId: "eu-2", region: "eu", endpoint: "relay-eu-2.example.com:40000", load: 10, draining: true));
        factory.Time.Advance(RegistryRelayDirectory.CacheTimeToLive);
        Assert.Equal("relay-eu-1.example.com:40000", await MatchEndpointAsync(client, title));
    }

    /// <summary>Queues two players pinging only "eu" in a fresh duel queue, ticks, and returns the match's relay endpoint.</summary>
    private static async Task<string?> MatchEndpointAsync(HttpClient client, TestTitle title)
    {
        var queue = "duel-" + Guid.NewGuid().ToString("N")[..8];
        using (var put = await client.SendAsync(HttpMethod.Put, $"/v1/admin/matchmaking/queues/{queue}", """
            {"teams":2,"teamSize":1,"latency":{"regions":["eu","na"],"initialMs":80,"stepMs":0,"everySeconds":10,"maxMs":80}}
            """, serverKey: title.ServerKey))
        {
            await put.ReadJsonAsync(HttpStatusCode.OK);
        }

        string? ticketId = null;
        Session? first = null;
        for (var i = 0; i < 2; i++)
        {
            var player = await client.SignInDeviceAsync(title);
            using var created = await client.SendAsync(HttpMethod.Post, $"/v1/matchmaking/queues/{queue}/tickets", """{"pings":{"eu":20}}""", player.AccessToken);
            var ticket = await created.ReadJsonAsync(HttpStatusCode.Created);
            if (i == 0)
            {
                ticketId = ticket.GetProperty("ticketId").GetString();
                first = player;
            }
        }

        using (var tick = await client.SendAsync(HttpMethod.Post, $"/v1/admin/matchmaking/queues/{queue}/tick", serverKey: title.ServerKey))
        {
            Assert.Equal(1, (await tick.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("matchesFormed").GetInt32());
        }

        using var read = await client.SendAsync(HttpMethod.Get, $"/v1/matchmaking/queues/{queue}/tickets/{ticketId}", accessToken: first!.AccessToken);
        return (await read.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("assignment").GetProperty("relayEndpoint").GetString();
    }
}

/// <summary>Heartbeats whose events go to a bus the test controls (each test hosts its own API).</summary>
public sealed class RelayEventTests
{
    [Fact]
    public async Task Session_events_of_a_heartbeat_reach_the_bus()
    {
        var bus = new RecordingEventBus();
        await using var factory = new ApiFactory(null, services => services.AddSingleton<IEventBus>(bus));
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var session = Core.Common.Ids.NewId(factory.Time);
        var startedAt = factory.Time.GetUtcNow().AddSeconds(-90);
        var events = string.Join(',',
            RelayHeartbeats.Event("session_started", session, "\"" + startedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\"", 2),
            RelayHeartbeats.Event("session_ended", session, factory.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), 0, "90"));

        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body(events: "[" + events + "]"));

        var published = bus.Events.Where(e => e.Name != "relay_heartbeat").ToArray();
        Assert.Equal(["session_started", "session_ended"], published.Select(e => e.Name));
        Assert.All(published, e => Assert.Equal((title.Id, session), (e.TitleId, e.SessionId)));
        Assert.Equal(startedAt, published[0].Time);
        Assert.Equal(factory.Time.GetUtcNow().ToUnixTimeSeconds(), published[1].Time.ToUnixTimeSeconds());
        Assert.Equal("relay-1", published[1].Properties!.Value.GetProperty("relay").GetString());
        Assert.Equal(90, published[1].Properties!.Value.GetProperty("durationSeconds").GetDouble());
    }

    [Fact]
    public async Task When_the_bus_refuses_the_events_the_heartbeat_is_503_with_retry_after_and_the_relay_resends()
    {
        var bus = new RecordingEventBus { Unavailable = true };
        await using var factory = new ApiFactory(null, services => services.AddSingleton<IEventBus>(bus));
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var ended = RelayHeartbeats.Event("session_ended", Core.Common.Ids.NewId(factory.Time), "\"" + factory.Time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\"", 0, "12.5");
        var body = RelayHeartbeats.Body(events: "[" + ended + "]");
        var key = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id))[0];

        using (var request = RelayHeartbeats.Request(factory, title.Id, key, body))
        using (var refused = await client.SendAsync(request))
        {
            await refused.AssertProblemAsync(503, "event_bus_unavailable");
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        }

        // The relay's state was kept, so a bus outage does not take it out of allocation.
        Assert.Single(await RelayHeartbeats.ListAsync(client, title));
        Assert.Empty(bus.Events);

        bus.Unavailable = false;
        await RelayHeartbeats.SendAsync(client, factory, title.Id, body);
        Assert.Equal(["session_ended", "relay_heartbeat"], bus.Events.Select(e => e.Name));
    }

    [Fact]
    public async Task Heartbeats_are_rate_limited_per_address()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["GameBackend:RateLimits:RequestsPerSecondPerClient"] = "2" });
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body());
        await RelayHeartbeats.SendAsync(client, factory, title.Id, RelayHeartbeats.Body());

        var key = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id))[0];
        using var request = RelayHeartbeats.Request(factory, title.Id, key, RelayHeartbeats.Body());
        using var limited = await client.SendAsync(request);
        await limited.AssertProblemAsync(429, "rate_limited");
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
