using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>
/// Sign-in and sign-out. Custom ids are missing on purpose: the backend takes them only from the studio's
/// servers (server key), never from a game client.
/// </summary>
public sealed class AuthApi
{
    private readonly ApiTransport _transport;

    internal AuthApi(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <summary>
    /// Signs in with a device id (8–128 of A–Z a–z 0–9 . _ : -), creating the account on first use unless
    /// <paramref name="create"/> is false (then an unknown device is 404 <c>account_not_found</c>).
    /// </summary>
    public Task<SignInResult> SignInWithDeviceAsync(string deviceId, bool create = true, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(deviceId, nameof(deviceId));
        var body = ApiTransport.Serialize(new DeviceSignInRequest(deviceId, create), ClientJsonContext.Default.DeviceSignInRequest);
        return SignInAsync("v1/auth/device", body, cancellationToken);
    }

    /// <summary>Creates an account with email and password and signs it in (409 <c>email_taken</c> if it exists).</summary>
    public Task<SignInResult> SignUpWithEmailAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(email, nameof(email));
        Guard.NotNull(password, nameof(password));
        var body = ApiTransport.Serialize(new EmailCredentialsRequest(email, password), ClientJsonContext.Default.EmailCredentialsRequest);
        return SignInAsync("v1/auth/email/signup", body, cancellationToken);
    }

    /// <summary>Signs in with email and password (401 <c>invalid_credentials</c> for an unknown email or a wrong password alike).</summary>
    public Task<SignInResult> SignInWithEmailAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(email, nameof(email));
        Guard.NotNull(password, nameof(password));
        var body = ApiTransport.Serialize(new EmailCredentialsRequest(email, password), ClientJsonContext.Default.EmailCredentialsRequest);
        return SignInAsync("v1/auth/email", body, cancellationToken);
    }

    /// <summary>
    /// Ends the session on the backend (its refresh and access tokens stop working) and forgets it here. The
    /// session is forgotten even when the backend cannot be reached: the player asked to sign out.
    /// </summary>
    public async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        if (_transport.Session is null)
        {
            return;
        }

        try
        {
            await _transport.SendAsync<object>(HttpMethod.Post, "v1/auth/signout", null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (GameBackendSignedOutException)
        {
            // Already over on the backend's side.
        }
        finally
        {
            _transport.ClearSession();
        }
    }

    private async Task<SignInResult> SignInAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        var (result, serverNow) = await _transport.SendWithClientKeyAsync(path, body, ClientJsonContext.Default.SignInResult, cancellationToken).ConfigureAwait(false);
        _transport.SetSession(result.ToSession(), serverNow);
        return result;
    }
}
