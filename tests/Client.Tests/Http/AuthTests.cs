namespace GameBackend.Client.Tests.Http;

[Collection(BackendCollection.Name)]
public sealed class AuthTests(SharedBackend backend)
{
    private static string NewDeviceId() => "device-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Device_sign_in_creates_the_account_once_and_keeps_the_session()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var device = NewDeviceId();

        var first = await client.Auth.SignInWithDeviceAsync(device);
        Assert.True(first.Created);
        Assert.True(client.IsSignedIn);
        Assert.Equal(first.PlayerId, client.Session!.PlayerId);

        var second = await client.Auth.SignInWithDeviceAsync(device);
        Assert.False(second.Created);
        Assert.Equal(first.PlayerId, second.PlayerId);

        var account = await client.Account.GetAsync();
        Assert.Equal(first.PlayerId, account.PlayerId);
        var identity = Assert.Single(account.Identities);
        Assert.Equal("device", identity.Method);
        Assert.Equal(device, identity.Subject);
    }

    [Fact]
    public async Task Device_sign_in_without_create_answers_account_not_found()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);

        var e = await Assert.ThrowsAsync<GameBackendException>(() => client.Auth.SignInWithDeviceAsync(NewDeviceId(), create: false));
        Assert.Equal(404, e.Status);
        Assert.Equal(ErrorCodes.AccountNotFound, e.Code);
        Assert.False(client.IsSignedIn);
    }

    [Fact]
    public async Task Email_sign_up_and_sign_in_with_typed_errors()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var email = $"p{Guid.NewGuid():N}@example.com";

        var signedUp = await client.Auth.SignUpWithEmailAsync(email, "correct horse battery");
        Assert.True(signedUp.Created);

        var taken = await Assert.ThrowsAsync<GameBackendException>(() => client.Auth.SignUpWithEmailAsync(email, "another long password"));
        Assert.Equal(409, taken.Status);
        Assert.Equal(ErrorCodes.EmailTaken, taken.Code);
        Assert.False(string.IsNullOrEmpty(taken.TraceId));

        var wrong = await Assert.ThrowsAsync<GameBackendException>(() => client.Auth.SignInWithEmailAsync(email, "not the password"));
        Assert.Equal(401, wrong.Status);
        Assert.Equal(ErrorCodes.InvalidCredentials, wrong.Code);
        Assert.IsNotType<GameBackendSignedOutException>(wrong);

        var tooShort = await Assert.ThrowsAsync<GameBackendException>(() => client.Auth.SignUpWithEmailAsync("x" + email, "short"));
        Assert.Equal(400, tooShort.Status);
        Assert.Equal("password_too_short", tooShort.Code);

        var signedIn = await client.Auth.SignInWithEmailAsync(email, "correct horse battery");
        Assert.Equal(signedUp.PlayerId, signedIn.PlayerId);
        Assert.False(signedIn.Created);
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_reports_each_session()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var sessions = new List<PlayerSession?>();
        client.SessionChanged += (_, e) => sessions.Add(e.Session);

        var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());
        var refreshed = await client.RefreshAsync();

        Assert.Equal(signIn.PlayerId, refreshed.PlayerId);
        Assert.NotEqual(signIn.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(2, sessions.Count);
        Assert.Equal(signIn.RefreshToken, sessions[0]!.RefreshToken);
        Assert.Equal(refreshed.RefreshToken, sessions[1]!.RefreshToken);
        Assert.Equal(refreshed, client.Session);

        // The new tokens work.
        Assert.Equal(signIn.PlayerId, (await client.Account.GetAsync()).PlayerId);
    }

    [Fact]
    public async Task A_rotated_refresh_token_presented_again_signs_both_holders_out()
    {
        var title = await backend.CreateTitleAsync();
        using var owner = backend.NewClient(title);
        var signIn = await owner.Auth.SignInWithDeviceAsync(NewDeviceId());
        await owner.RefreshAsync(); // the sign-in's refresh token is now spent

        // A copy of the old token (a stolen one, or a second device restored from an old save).
        using var thief = backend.NewClient(title);
        thief.RestoreSession(signIn.PlayerId, signIn.RefreshToken);
        PlayerSession? last = thief.Session;
        thief.SessionChanged += (_, e) => last = e.Session;

        var reused = await Assert.ThrowsAsync<GameBackendSignedOutException>(() => thief.Account.GetAsync());
        Assert.Equal(ErrorCodes.RefreshTokenReused, reused.Code);
        Assert.Equal(401, reused.Status);
        Assert.False(thief.IsSignedIn);
        Assert.Null(last);

        // The whole family is revoked: the owner's current refresh token is refused too.
        var revoked = await Assert.ThrowsAsync<GameBackendSignedOutException>(() => owner.RefreshAsync());
        Assert.Equal(ErrorCodes.InvalidRefreshToken, revoked.Code);
        Assert.False(owner.IsSignedIn);
        var after = await Assert.ThrowsAsync<GameBackendSignedOutException>(() => owner.Profiles.GetAsync());
        Assert.Equal(ErrorCodes.NotSignedIn, after.Code);
    }

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_before_the_call()
    {
        var title = await backend.CreateTitleAsync();

        // A margin longer than the access token's life: every call must refresh first.
        using var client = backend.NewClient(title, refreshBeforeExpiry: TimeSpan.FromDays(1));
        var refreshes = 0;
        client.SessionChanged += (_, _) => Interlocked.Increment(ref refreshes);
        await client.Auth.SignInWithDeviceAsync(NewDeviceId());
        var afterSignIn = client.Session!;

        await client.Profiles.GetAsync();
        await client.Profiles.GetAsync();

        Assert.Equal(3, refreshes); // the sign-in, then one refresh per call
        Assert.NotEqual(afterSignIn.RefreshToken, client.Session!.RefreshToken);
    }

    [Fact]
    public async Task An_access_token_the_backend_calls_expired_is_refreshed_once_and_the_call_retried()
    {
        // Its own backend: the test moves the clock, which would expire the shared backend's other tokens.
        await using var own = new BackendFactory();
        var title = await own.CreateTitleAsync();
        using var client = own.NewClient(title);
        await client.Auth.SignInWithDeviceAsync(NewDeviceId());
        var before = client.Session!;
        var refreshes = 0;
        client.SessionChanged += (_, _) => Interlocked.Increment(ref refreshes);

        // The backend's clock runs 16 minutes ahead of the client's idea of the token's life.
        own.Time.Advance(TimeSpan.FromMinutes(16));

        // Many calls at once, all with the dead token: one refresh (two would count as reuse), every call succeeds.
        var calls = Enumerable.Range(0, 16).Select(_ => client.Profiles.GetAsync()).ToArray();
        var profiles = await Task.WhenAll(calls);

        Assert.All(profiles, p => Assert.Equal(before.PlayerId, p.PlayerId));
        Assert.Equal(1, refreshes);
        Assert.NotEqual(before.RefreshToken, client.Session!.RefreshToken);
    }

    [Fact]
    public async Task Concurrent_calls_share_one_refresh()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());

        // Restored without an access token: every call needs a refresh first, and only one may happen.
        using var resumed = backend.NewClient(title);
        resumed.RestoreSession(signIn.PlayerId, signIn.RefreshToken);
        var refreshes = 0;
        resumed.SessionChanged += (_, _) => Interlocked.Increment(ref refreshes);

        var accounts = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => resumed.Account.GetAsync())));

        Assert.All(accounts, a => Assert.Equal(signIn.PlayerId, a.PlayerId));
        Assert.Equal(1, refreshes);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_both_sides()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title);
        var signIn = await client.Auth.SignInWithDeviceAsync(NewDeviceId());
        PlayerSession? last = client.Session;
        client.SessionChanged += (_, e) => last = e.Session;

        await client.Auth.SignOutAsync();

        Assert.False(client.IsSignedIn);
        Assert.Null(last);
        var notSignedIn = await Assert.ThrowsAsync<GameBackendSignedOutException>(() => client.Profiles.GetAsync());
        Assert.Equal(ErrorCodes.NotSignedIn, notSignedIn.Code);

        // The backend ended the family: its refresh token no longer works anywhere.
        client.RestoreSession(signIn.PlayerId, signIn.RefreshToken);
        var refused = await Assert.ThrowsAsync<GameBackendSignedOutException>(() => client.Profiles.GetAsync());
        Assert.Equal(ErrorCodes.InvalidRefreshToken, refused.Code);
        Assert.False(client.IsSignedIn);

        // A second sign-out with no session does nothing.
        await client.Auth.SignOutAsync();
    }

    [Fact]
    public async Task A_session_signed_out_elsewhere_surfaces_as_signed_out()
    {
        var title = await backend.CreateTitleAsync();
        using var first = backend.NewClient(title);
        var device = NewDeviceId();
        var signIn = await first.Auth.SignInWithDeviceAsync(device);

        // Another copy of the same session (same access token) signs out.
        using var second = backend.NewClient(title);
        second.RestoreSession(first.Session!);
        await second.Auth.SignOutAsync();

        var revoked = await Assert.ThrowsAsync<GameBackendSignedOutException>(() => first.Profiles.GetAsync());
        Assert.Equal(ErrorCodes.SessionRevoked, revoked.Code);
        Assert.False(first.IsSignedIn);

        // Signing in again starts a new session of the same player.
        Assert.Equal(signIn.PlayerId, (await first.Auth.SignInWithDeviceAsync(device)).PlayerId);
        Assert.Equal(signIn.PlayerId, (await first.Profiles.GetAsync()).PlayerId);
    }

    [Fact]
    public async Task Rate_limits_surface_with_retry_after()
    {
        await using var limited = new BackendFactory(new Dictionary<string, string?>
        {
            ["GameBackend:RateLimits:RequestsPerSecondPerClient"] = "3",
        });
        var title = await limited.CreateTitleAsync();
        using var client = limited.NewClient(title);
        await client.Auth.SignInWithDeviceAsync(NewDeviceId());

        GameBackendException? limitedCall = null;
        for (var i = 0; i < 20 && limitedCall is null; i++)
        {
            try
            {
                await client.Profiles.GetAsync();
            }
            catch (GameBackendException e)
            {
                limitedCall = e;
            }
        }

        Assert.NotNull(limitedCall);
        Assert.Equal(429, limitedCall.Status);
        Assert.Equal(ErrorCodes.RateLimited, limitedCall.Code);
        Assert.NotNull(limitedCall.RetryAfter);
        Assert.True(limitedCall.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.True(limitedCall.IsTransient);
    }

    [Fact]
    public async Task No_backend_is_a_network_error_with_status_zero()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        using var client = new GameBackendClient(new GameBackendClientOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            ClientKey = "gbc_none",
            Timeout = TimeSpan.FromSeconds(5),
        });

        var e = await Assert.ThrowsAsync<GameBackendException>(() => client.Auth.SignInWithDeviceAsync(NewDeviceId()));
        Assert.Equal(0, e.Status);
        Assert.Equal(ErrorCodes.NetworkError, e.Code);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task A_wrong_client_key_is_a_problem_with_its_code()
    {
        var title = await backend.CreateTitleAsync();
        using var client = backend.NewClient(title with { ClientKey = title.ClientKey + "x" });

        var e = await Assert.ThrowsAsync<GameBackendException>(() => client.Auth.SignInWithDeviceAsync(NewDeviceId()));
        Assert.Equal(401, e.Status);
        Assert.Equal("invalid_client_key", e.Code);
    }
}
