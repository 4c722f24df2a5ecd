using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GameBackend.SessionRelay.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;

namespace GameBackend.SessionRelay.Tests;

public sealed class HeartbeatTests
{
    [Fact]
    public async Task A_heartbeat_is_signed_per_the_contract_and_its_answer_replaces_the_keys()
    {
        using var relay = new RelayHarness(o =>
        {
            o.RelayId = "relay-eu-1";
            o.Region = "eu-west";
            o.PublicEndpoint = "203.0.113.7:7777";
        });
        var session = RelayHarness.NewId();
        using (var a = relay.Client())
        {
            a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
            a.Leave();
        }

        await RelayHarness.Eventually(() => relay.Metrics.SessionsEnded == 1, "the session ended");
        var rotated = RandomNumberGenerator.GetBytes(32);
        var backend = new RecordingBackend(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(
                $$"""{"relayKeys":[{"keyId":"{{RelayHarness.KeyId}}","secret":"{{System.Buffers.Text.Base64Url.EncodeToString(relay.Secret)}}"},{"keyId":"newkey01","secret":"{{System.Buffers.Text.Base64Url.EncodeToString(rotated)}}"}],"heartbeatSeconds":7}""",
                Encoding.UTF8,
                "application/json"),
        });
        using var controlPlane = new HttpRelayControlPlane(new Uri("http://backend.test/"), TimeProvider.System, backend);
        var heartbeats = new RelayHeartbeats(relay.Relay, controlPlane, NullLogger<RelayHeartbeats>.Instance);

        await heartbeats.BeatAllAsync(CancellationToken.None);

        var request = Assert.Single(backend.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://backend.test/v1/relays/heartbeat", request.Uri);
        Assert.Equal(relay.TitleId, request.Headers["X-Relay-Title"]);
        var timestamp = request.Headers["X-Relay-Timestamp"];
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expectedMac = HMACSHA256.HashData(relay.Secret, (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "\n"), .. request.Body]);
        Assert.Equal(RelayHarness.KeyId + ":" + System.Buffers.Text.Base64Url.EncodeToString(expectedMac), request.Headers["X-Relay-Signature"]);

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("relay-eu-1", root.GetProperty("relayId").GetString());
        Assert.Equal("eu-west", root.GetProperty("region").GetString());
        Assert.Equal("203.0.113.7:7777", root.GetProperty("endpoint").GetString());
        Assert.Equal(256, root.GetProperty("capacity").GetInt32()); // sessions: the unit the registry counts allocations in
        Assert.Equal(0, root.GetProperty("load").GetDouble());
        Assert.Equal(0, root.GetProperty("sessions").GetInt64());
        Assert.Equal(0, root.GetProperty("members").GetInt64());
        Assert.False(root.GetProperty("draining").GetBoolean());
        Assert.Matches("^[!-~]{1,64}$", root.GetProperty("version").GetString());
        Assert.Equal(
            ["relayId", "region", "endpoint", "capacity", "load", "sessions", "members", "version", "draining", "events"],
            root.EnumerateObject().Select(p => p.Name));
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["session_started", "session_ended"], events.Select(e => e.GetProperty("name").GetString()));
        Assert.All(events, e => Assert.Equal(session, e.GetProperty("sessionId").GetString()));
        Assert.Equal(1, events[1].GetProperty("members").GetInt32());
        Assert.True(events[1].TryGetProperty("durationSeconds", out _));
        Assert.True(events[1].TryGetProperty("time", out _));

        // The answer's keys are now the title's keys: a token signed with the rotated key joins.
        Assert.Equal(2, relay.Keys.KeysOf(RelayHarness.Id(relay.TitleId)).Count);
        using var b = relay.Client();
        b.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0, secret: rotated, keyId: "newkey01"));

        // Sent events are not sent again.
        await heartbeats.BeatAllAsync(CancellationToken.None);
        using var second = JsonDocument.Parse(backend.Requests[1].Body);
        Assert.DoesNotContain(second.RootElement.GetProperty("events").EnumerateArray(), e => e.GetProperty("sessionId").GetString() == session);
    }

    [Fact]
    public async Task A_refused_key_is_followed_by_the_next_one_and_unsent_events_wait()
    {
        using var relay = new RelayHarness();
        var second = RandomNumberGenerator.GetBytes(32);
        relay.Keys.SetKeys(RelayHarness.Id(relay.TitleId), [new RelayKey(RelayHarness.KeyId, relay.Secret), new RelayKey("second01", second)]);
        var accept = false;
        var backend = new RecordingBackend(request =>
            accept && request.Headers["X-Relay-Signature"].StartsWith("second01:", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"relayKeys":[{"keyId":"second01","secret":"AAAA"}],"heartbeatSeconds":5}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.Unauthorized));
        using var controlPlane = new HttpRelayControlPlane(new Uri("http://backend.test"), TimeProvider.System, backend);
        var heartbeats = new RelayHeartbeats(relay.Relay, controlPlane, NullLogger<RelayHeartbeats>.Instance);
        using (var a = relay.Client())
        {
            a.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        }

        await RelayHarness.Eventually(() => relay.Metrics.SessionsStarted == 1, "the session started");
        await heartbeats.BeatAllAsync(CancellationToken.None);
        Assert.Equal(2, backend.Requests.Count); // both keys tried, both refused
        Assert.Equal(2, relay.Keys.KeysOf(RelayHarness.Id(relay.TitleId)).Count);

        accept = true;
        await heartbeats.BeatAllAsync(CancellationToken.None);
        var accepted = backend.Requests[^1];
        Assert.StartsWith("second01:", accepted.Headers["X-Relay-Signature"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(accepted.Body);
        Assert.Single(body.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal("second01", Assert.Single(relay.Keys.KeysOf(RelayHarness.Id(relay.TitleId))).KeyId);
    }

    private sealed record RecordedRequest(HttpMethod Method, string Uri, Dictionary<string, string> Headers, byte[] Body);

    private sealed class RecordingBackend(Func<RecordedRequest, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<RecordedRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var recorded = new RecordedRequest(request.Method, request.RequestUri!.ToString(), headers, await request.Content!.ReadAsByteArrayAsync(cancellationToken));
            Requests.Add(recorded);
            return answer(recorded);
        }
    }
}
