using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>Friends: requests, accept/decline/cancel, remove, block; lists by state.</summary>
public sealed class FriendApi
{
    private readonly ApiTransport _transport;

    internal FriendApi(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <summary>A page of the caller's list in one <see cref="FriendStates">state</see> (friend by default), 1–100 per page.</summary>
    public async Task<FriendPage> ListAsync(string state = FriendStates.Friend, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(state, nameof(state));
        var path = "v1/friends?state=" + PathSegment.Of(state)
            + (limit is { } l ? "&limit=" + l.ToString(CultureInfo.InvariantCulture) : string.Empty)
            + (cursor is null ? string.Empty : "&cursor=" + PathSegment.Of(cursor));
        return (await _transport.SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.FriendPage, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Sends a friend request; the other player accepts or declines it.</summary>
    public Task<Friend> RequestAsync(string playerId, CancellationToken cancellationToken = default) => EdgeAsync(HttpMethod.Post, playerId, "/request", cancellationToken);

    public Task<Friend> AcceptAsync(string playerId, CancellationToken cancellationToken = default) => EdgeAsync(HttpMethod.Post, playerId, "/accept", cancellationToken);

    /// <summary>Blocks the player: ends any friendship or request both ways.</summary>
    public Task<Friend> BlockAsync(string playerId, CancellationToken cancellationToken = default) => EdgeAsync(HttpMethod.Put, playerId, "/block", cancellationToken);

    public Task DeclineAsync(string playerId, CancellationToken cancellationToken = default) => NoContentAsync(HttpMethod.Post, playerId, "/decline", cancellationToken);

    /// <summary>Withdraws the caller's own outgoing request.</summary>
    public Task CancelRequestAsync(string playerId, CancellationToken cancellationToken = default) => NoContentAsync(HttpMethod.Delete, playerId, "/request", cancellationToken);

    public Task RemoveAsync(string playerId, CancellationToken cancellationToken = default) => NoContentAsync(HttpMethod.Delete, playerId, string.Empty, cancellationToken);

    public Task UnblockAsync(string playerId, CancellationToken cancellationToken = default) => NoContentAsync(HttpMethod.Delete, playerId, "/block", cancellationToken);

    private async Task<Friend> EdgeAsync(HttpMethod method, string playerId, string action, CancellationToken cancellationToken)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        return (await _transport.SendAsync(method, "v1/friends/" + PathSegment.Of(playerId) + action, null, ClientJsonContext.Default.Friend, cancellationToken).ConfigureAwait(false)).Value;
    }

    private Task NoContentAsync(HttpMethod method, string playerId, string action, CancellationToken cancellationToken)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        return _transport.SendAsync<object>(method, "v1/friends/" + PathSegment.Of(playerId) + action, null, null, cancellationToken);
    }
}
