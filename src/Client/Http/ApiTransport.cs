using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Internal;

namespace GameBackend.Client.Http;

/// <summary>Which credentials a call carries.</summary>
internal enum Credentials
{
    /// <summary>The title's public client key (sign-in, refresh).</summary>
    ClientKey,

    /// <summary>The player's access token, refreshed as needed.</summary>
    Player,
}

/// <summary>A response body with its entity tag (unquoted), when the route sends one.</summary>
internal readonly struct ApiResult<T>
{
    public ApiResult(T value, string? version)
    {
        Value = value;
        Version = version;
    }

    public T Value { get; }

    public string? Version { get; }
}

/// <summary>
/// The one HTTP path of the client: credentials, the access-token life cycle, and problem documents. Token
/// state is one immutable object swapped atomically, so any number of threads may call at once; refreshes are
/// serialised by a gate, because the backend counts two refreshes with one token as reuse and revokes the session.
/// </summary>
internal sealed class ApiTransport : IDisposable
{
    private const string ClientKeyHeader = "X-Client-Key";
    private const string JsonMediaType = "application/json";

    /// <summary>Caps a lifetime before it becomes stopwatch ticks (no overflow from a far-future expiry).</summary>
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseAddress;
    private readonly string _clientKey;
    private readonly long _refreshMarginTicks;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly Action<PlayerSession?> _sessionChanged;
    private SessionState? _state;

    public ApiTransport(GameBackendClientOptions options, HttpClient? http, Action<PlayerSession?> sessionChanged)
    {
        options.Validate();
        var baseAddress = options.BaseAddress!.AbsoluteUri;
        _baseAddress = new Uri(baseAddress.EndsWith("/", StringComparison.Ordinal) ? baseAddress : baseAddress + "/");
        _clientKey = options.ClientKey!;
        _refreshMarginTicks = ToStopwatchTicks(options.RefreshBeforeExpiry);
        _sessionChanged = sessionChanged;
        if (http is null)
        {
            _http = new HttpClient(CreateHandler()) { Timeout = options.Timeout };
            _ownsHttp = true;
        }
        else
        {
            _http = http;
        }
    }

    public PlayerSession? Session => Volatile.Read(ref _state)?.Session;

    public void Dispose()
    {
        _refreshGate.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    /// <summary>Adopts a session from a sign-in (or one the game saved), replacing any other.</summary>
    public void SetSession(PlayerSession session, DateTimeOffset? serverNow)
    {
        Volatile.Write(ref _state, new SessionState(session, Deadline(session.AccessTokenExpiresAt, serverNow)));
        _sessionChanged(session);
    }

    /// <summary>Forgets the session (sign-out); later player calls throw <see cref="GameBackendSignedOutException"/>.</summary>
    public void ClearSession()
    {
        if (Interlocked.Exchange(ref _state, null) is not null)
        {
            _sessionChanged(null);
        }
    }

    /// <summary>Sends a call with the client key; the body is returned with the response's Date (for token expiry).</summary>
    public async Task<(T Value, DateTimeOffset? ServerNow)> SendWithClientKeyAsync<T>(
        string path, byte[] body, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendOnceAsync(HttpMethod.Post, path, Credentials.ClientKey, null, body, null, false, cancellationToken).ConfigureAwait(false);
        var result = await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
        return (result.Value, response.Headers.Date);
    }

    /// <summary>Sends a player's call: refreshes the access token first when it is about to expire, and once more if the backend refuses it.</summary>
    public async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method,
        string path,
        byte[]? body,
        JsonTypeInfo<T>? responseType,
        CancellationToken cancellationToken,
        string? ifMatch = null,
        bool ifNoneMatchAny = false)
    {
        var state = await CurrentStateAsync(cancellationToken).ConfigureAwait(false);
        using (var response = await SendOnceAsync(method, path, Credentials.Player, state.Session.AccessToken, body, ifMatch, ifNoneMatchAny, cancellationToken).ConfigureAwait(false))
        {
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
            }

            var problem = await ProblemAsync(response).ConfigureAwait(false);
            if (problem.Code != ErrorCodes.InvalidToken)
            {
                throw Refused(state, problem);
            }
        }

        // The token was refused before its time (the backend's clock runs ahead, or its signing key was retired):
        // one refresh, one retry.
        state = await RefreshAsync(state, cancellationToken).ConfigureAwait(false);
        using var retry = await SendOnceAsync(method, path, Credentials.Player, state.Session.AccessToken, body, ifMatch, ifNoneMatchAny, cancellationToken).ConfigureAwait(false);
        if (retry.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw Refused(state, await ProblemAsync(retry).ConfigureAwait(false));
        }

        return await ReadAsync(retry, responseType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refreshes now (the game may want a fresh token before a long offline stretch); normally automatic.</summary>
    public async Task<PlayerSession> RefreshNowAsync(CancellationToken cancellationToken)
    {
        var state = Volatile.Read(ref _state) ?? throw new GameBackendSignedOutException();
        return (await RefreshAsync(state, cancellationToken).ConfigureAwait(false)).Session;
    }

    private static HttpMessageHandler CreateHandler()
    {
#if NET
        // Long-lived clients re-resolve DNS now and then, so a backend moved behind a new address is found.
        return new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All };
#else
        return new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate };
#endif
    }

    private static long ToStopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// When the access token dies, on the monotonic clock: its lifetime is taken from the server's own clock
    /// (expiry minus the response's Date) so a device with a wrong wall clock neither refreshes on every call
    /// nor sends dead tokens.
    /// </summary>
    private static long Deadline(DateTimeOffset expiresAt, DateTimeOffset? serverNow)
    {
        var lifetime = expiresAt - (serverNow ?? DateTimeOffset.UtcNow);
        if (lifetime <= TimeSpan.Zero)
        {
            return 0; // already expired (or restored without an access token): the next call refreshes
        }

        return Stopwatch.GetTimestamp() + ToStopwatchTicks(lifetime < MaxLifetime ? lifetime : MaxLifetime);
    }

    private GameBackendException Refused(SessionState state, GameBackendException problem)
    {
        if (problem.Code == ErrorCodes.SessionRevoked)
        {
            Forget(state);
            return new GameBackendSignedOutException(problem);
        }

        return problem;
    }

    private void Forget(SessionState state)
    {
        if (ReferenceEquals(Interlocked.CompareExchange(ref _state, null, state), state))
        {
            _sessionChanged(null);
        }
    }

    private async Task<SessionState> CurrentStateAsync(CancellationToken cancellationToken)
    {
        var state = Volatile.Read(ref _state) ?? throw new GameBackendSignedOutException();
        if (Stopwatch.GetTimestamp() < state.AccessDeadline - _refreshMarginTicks)
        {
            return state;
        }

        return await RefreshAsync(state, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SessionState> RefreshAsync(SessionState stale, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref _state) ?? throw new GameBackendSignedOutException();
            if (!ReferenceEquals(current, stale))
            {
                return current; // another call refreshed (or signed in) while this one waited
            }

            TokenResponse tokens;
            DateTimeOffset? serverNow;
            try
            {
                // Not the caller's cancellation: a refresh abandoned after the backend rotated would lose the only
                // refresh token that still works, and the next attempt would count as reuse. HttpClient's timeout bounds it.
                var body = Serialize(new RefreshRequest(current.Session.RefreshToken), ClientJsonContext.Default.RefreshRequest);
                (tokens, serverNow) = await SendWithClientKeyAsync("v1/auth/refresh", body, ClientJsonContext.Default.TokenResponse, CancellationToken.None).ConfigureAwait(false);
            }
            catch (GameBackendException e) when (e.Code is ErrorCodes.InvalidRefreshToken or ErrorCodes.RefreshTokenReused)
            {
                Forget(current);
                throw new GameBackendSignedOutException(e);
            }

            var session = new PlayerSession(current.Session.PlayerId, tokens.AccessToken, tokens.AccessTokenExpiresAt, tokens.RefreshToken, tokens.RefreshTokenExpiresAt);
            var next = new SessionState(session, Deadline(tokens.AccessTokenExpiresAt, serverNow));
            var replaced = Interlocked.CompareExchange(ref _state, next, current);
            if (!ReferenceEquals(replaced, current))
            {
                // Signed out or signed in anew meanwhile; that choice stands.
                return replaced ?? throw new GameBackendSignedOutException();
            }

            _sessionChanged(session);
            return next;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method,
        string path,
        Credentials credentials,
        string? accessToken,
        byte[]? body,
        string? ifMatch,
        bool ifNoneMatchAny,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress, path));
        if (credentials == Credentials.ClientKey)
        {
            request.Headers.TryAddWithoutValidation(ClientKeyHeader, _clientKey);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", "\"" + ifMatch + "\"");
        }

        if (ifNoneMatchAny)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new GameBackendException(0, ErrorCodes.NetworkError, e.Message, innerException: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GameBackendException(0, ErrorCodes.NetworkError, "The request timed out.", innerException: e);
        }
    }

    private static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T>? responseType, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response).ConfigureAwait(false);
        }

        var version = Unquote(response.Headers.ETag?.Tag);
        if (responseType is null)
        {
            return new ApiResult<T>(default!, version);
        }

        try
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var value = await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken).ConfigureAwait(false);
            return value is null
                ? throw new GameBackendException((int)response.StatusCode, ErrorCodes.UnexpectedResponse, "The response body was null.")
                : new ApiResult<T>(value, version);
        }
        catch (JsonException e)
        {
            throw new GameBackendException((int)response.StatusCode, ErrorCodes.UnexpectedResponse, "The response was not the expected JSON: " + e.Message, innerException: e);
        }
        catch (HttpRequestException e)
        {
            throw new GameBackendException(0, ErrorCodes.NetworkError, e.Message, innerException: e);
        }
    }

    private static string? Unquote(string? tag) =>
        tag is { Length: >= 2 } && tag[0] == '"' && tag[tag.Length - 1] == '"' ? tag.Substring(1, tag.Length - 2) : tag;

    /// <summary>Reads a problem document into an exception; anything else (a proxy's HTML page) becomes <c>unexpected_response</c>.</summary>
    internal static async Task<GameBackendException> ProblemAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfterOf(response);
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return new GameBackendException(status, ErrorCodes.NetworkError, e.Message, retryAfter: retryAfter, innerException: e);
        }

        return ProblemDocument.Parse(status, body, retryAfter)
            ?? new GameBackendException(status, ErrorCodes.UnexpectedResponse, $"HTTP {status} {response.ReasonPhrase} without a problem document.", retryAfter: retryAfter);
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - (response.Headers.Date ?? DateTimeOffset.UtcNow);
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private sealed class SessionState
    {
        public SessionState(PlayerSession session, long accessDeadline)
        {
            Session = session;
            AccessDeadline = accessDeadline;
        }

        public PlayerSession Session { get; }

        public long AccessDeadline { get; }
    }
}
