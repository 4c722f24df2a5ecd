using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>
/// The game's connection to the backend: one per player, kept for the game's lifetime (it pools connections).
/// It holds the player's session and refreshes the access token on its own, rotating the refresh token; every
/// member is safe to call from any thread. Features hang off it as properties (<see cref="Profiles"/>,
/// <see cref="Matchmaking"/>, …) so a game sees what exists without a long flat list.
/// </summary>
public sealed class GameBackendClient : IDisposable
{
    private readonly ApiTransport _transport;

    /// <summary>Makes its own HttpClient (disposed with this client).</summary>
    public GameBackendClient(GameBackendClientOptions options)
        : this(options, null)
    {
    }

    /// <summary>
    /// Uses the caller's HttpClient (not disposed with this client), for a game that already has one, a
    /// platform-specific handler, or tests against an in-process server. Its BaseAddress is not used.
    /// </summary>
    public GameBackendClient(GameBackendClientOptions options, HttpClient? httpClient)
    {
        Guard.NotNull(options, nameof(options));
        _transport = new ApiTransport(options, httpClient, OnSessionChanged);
        Auth = new AuthApi(_transport);
        Account = new AccountApi(_transport);
        Profiles = new ProfileApi(_transport);
        Friends = new FriendApi(_transport);
        Storage = new StorageApi(_transport);
        Leaderboards = new LeaderboardApi(_transport);
        Progression = new ProgressionApi(_transport);
        Matchmaking = new MatchmakingApi(_transport);
        Analytics = new AnalyticsApi(_transport, options.TelemetryMaxAttempts, options.TelemetryMaxRetryDelay);
    }

    /// <summary>
    /// Raised after every change of session: sign-in, each refresh (a new refresh token to persist), sign-out, and
    /// being signed out by the backend (null). It runs on the thread that made the change, which in Unity is not
    /// necessarily the main thread: copy the value and act on it in Update.
    /// </summary>
    public event EventHandler<SessionChangedEventArgs>? SessionChanged;

    /// <summary>The current session, or null when signed out.</summary>
    public PlayerSession? Session => _transport.Session;

    public bool IsSignedIn => _transport.Session is not null;

    public AuthApi Auth { get; }

    public AccountApi Account { get; }

    public ProfileApi Profiles { get; }

    public FriendApi Friends { get; }

    public StorageApi Storage { get; }

    public LeaderboardApi Leaderboards { get; }

    public ProgressionApi Progression { get; }

    public MatchmakingApi Matchmaking { get; }

    public AnalyticsApi Analytics { get; }

    /// <summary>
    /// Resumes a session the game saved (from <see cref="SessionChanged"/>). An expired access token is fine: the
    /// first call refreshes it. A refresh token that has expired or was rotated since makes that call throw
    /// <see cref="GameBackendSignedOutException"/>.
    /// </summary>
    public void RestoreSession(PlayerSession session)
    {
        Guard.NotNull(session, nameof(session));
        _transport.SetSession(session, null);
    }

    /// <summary>Resumes from just a saved player id and refresh token; the first call refreshes.</summary>
    public void RestoreSession(string playerId, string refreshToken)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        Guard.NotEmpty(refreshToken, nameof(refreshToken));
        _transport.SetSession(new PlayerSession(playerId, string.Empty, DateTimeOffset.MinValue, refreshToken, DateTimeOffset.MaxValue), null);
    }

    /// <summary>Refreshes the access token now (it is also refreshed automatically when needed).</summary>
    public Task<PlayerSession> RefreshAsync(CancellationToken cancellationToken = default) => _transport.RefreshNowAsync(cancellationToken);

    public void Dispose() => _transport.Dispose();

    private void OnSessionChanged(PlayerSession? session) => SessionChanged?.Invoke(this, new SessionChangedEventArgs(session));
}
