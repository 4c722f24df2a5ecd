using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Sessions;

namespace GameBackend.SessionRelay.ControlPlane;

/// <summary>
/// Heartbeats over HTTP: <c>POST {backend}/v1/relays/heartbeat</c>, signed with a title relay key as
/// <c>X-Relay-Signature: {keyId}:{base64url(HMAC-SHA256(secret, timestamp + "\n" + body))}</c>, so the backend knows the
/// relay holds the title's secret without it ever crossing the wire. When the backend refuses one key (401/403: rotated
/// away), the next key the relay holds is tried, newest last-known-good first.
/// </summary>
public sealed class HttpRelayControlPlane : IRelayControlPlane, IDisposable
{
    public const string Path = "v1/relays/heartbeat";

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _lastGoodKey = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public HttpRelayControlPlane(Uri backend, TimeProvider time, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var baseAddress = backend.AbsoluteUri.EndsWith('/') ? backend : new Uri(backend.AbsoluteUri + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = baseAddress;
        _http.Timeout = TimeSpan.FromSeconds(10);
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async Task<HeartbeatAnswer> HeartbeatAsync(HeartbeatReport heartbeat, IReadOnlyList<RelayKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new RelayControlPlaneException($"No relay key is known for title {heartbeat.TitleId}.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(heartbeat.Heartbeat, HeartbeatJsonContext.Default.RelayHeartbeat);
        HttpStatusCode? lastStatus = null;
        foreach (var key in Ordered(heartbeat.TitleId, keys))
        {
            using var request = Sign(heartbeat.TitleId, key, body);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                lastStatus = response.StatusCode;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new RelayControlPlaneException($"The backend answered {(int)response.StatusCode}.");
            }

            var answer = await response.Content.ReadFromJsonAsync(HeartbeatJsonContext.Default.HeartbeatAnswerBody, cancellationToken).ConfigureAwait(false)
                ?? throw new RelayControlPlaneException("The backend's answer was empty.");
            lock (_lock)
            {
                _lastGoodKey[heartbeat.TitleId] = key.KeyId;
            }

            return FromWire(answer);
        }

        throw new RelayControlPlaneException($"The backend refused every relay key of title {heartbeat.TitleId} ({(int?)lastStatus}).");
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Sign(string titleId, RelayKey key, byte[] body)
    {
        // The backend's own signing code (Core), so the two sides cannot drift apart.
        var timestamp = RelaySignature.TimestampText(_time.GetUtcNow());
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(RelaySignature.TitleHeader, titleId);
        request.Headers.Add(RelaySignature.TimestampHeader, timestamp);
        request.Headers.Add(RelaySignature.SignatureHeader, RelaySignature.Create(key.KeyId, key.Secret, timestamp, body));
        return request;
    }

    private List<RelayKey> Ordered(string titleId, IReadOnlyList<RelayKey> keys)
    {
        string? good;
        lock (_lock)
        {
            _lastGoodKey.TryGetValue(titleId, out good);
        }

        var ordered = new List<RelayKey>(keys.Count);
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            if (keys[i].KeyId == good)
            {
                ordered.Insert(0, keys[i]);
            }
            else
            {
                ordered.Add(keys[i]);
            }
        }

        return ordered;
    }

    private static HeartbeatAnswer FromWire(HeartbeatAnswerBody answer)
    {
        var keys = new List<RelayKey>();
        foreach (var key in answer.RelayKeys ?? [])
        {
            if (RelayKeyRing.TryParseKey(key.KeyId, key.Secret, out _, out var secret))
            {
                keys.Add(new RelayKey(key.KeyId!, secret));
            }
        }

        return new HeartbeatAnswer(keys, answer.HeartbeatSeconds is > 0 and <= 3600 ? answer.HeartbeatSeconds : 5);
    }
}

internal sealed record HeartbeatAnswerBody(IReadOnlyList<HeartbeatKey>? RelayKeys, double HeartbeatSeconds);

internal sealed record HeartbeatKey(string? KeyId, string? Secret);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(RelayHeartbeat))]
[JsonSerializable(typeof(HeartbeatAnswerBody))]
internal sealed partial class HeartbeatJsonContext : JsonSerializerContext;
