using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>The caller's own account: its sign-in methods, the GDPR export, and deletion.</summary>
public sealed class AccountApi
{
    private readonly ApiTransport _transport;

    internal AccountApi(ApiTransport transport)
    {
        _transport = transport;
    }

    public async Task<Account> GetAsync(CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, "v1/account", null, ClientJsonContext.Default.Account, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Everything the backend holds about the player, as one JSON document (GDPR right of access).</summary>
    public async Task<PlayerExport> ExportAsync(CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, "v1/account/export", null, ClientJsonContext.Default.PlayerExport, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// Erases the player's data for good (GDPR right to erasure) and forgets the session. The confirmation the
    /// API demands is sent here, so call this only after the player confirmed in the game's own UI.
    /// </summary>
    public async Task<PlayerErasure> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var body = ApiTransport.Serialize(new DeleteAccountRequest("DELETE"), ClientJsonContext.Default.DeleteAccountRequest);
        var result = await _transport.SendAsync(HttpMethod.Delete, "v1/account", body, ClientJsonContext.Default.PlayerErasure, cancellationToken).ConfigureAwait(false);
        _transport.ClearSession();
        return result.Value;
    }
}
