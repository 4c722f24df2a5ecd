using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>Player profiles: display name, avatar, locale, the game's metadata.</summary>
public sealed class ProfileApi
{
    private static readonly HttpMethod Patch = new("PATCH");

    private readonly ApiTransport _transport;

    internal ProfileApi(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <summary>The caller's profile, with its <see cref="Profile.Version"/> for a conditional update.</summary>
    public async Task<Profile> GetAsync(CancellationToken cancellationToken = default)
    {
        var result = await _transport.SendAsync(HttpMethod.Get, "v1/profile", null, ClientJsonContext.Default.Profile, cancellationToken).ConfigureAwait(false);
        return result.Value with { Version = result.Version };
    }

    /// <summary>Another player's profile in the same title.</summary>
    public async Task<Profile> GetPlayerAsync(string playerId, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        var result = await _transport.SendAsync(HttpMethod.Get, "v1/players/" + PathSegment.Of(playerId) + "/profile", null, ClientJsonContext.Default.Profile, cancellationToken).ConfigureAwait(false);
        return result.Value with { Version = result.Version };
    }

    /// <summary>
    /// Updates the members that are set. With <paramref name="ifVersion"/> (a <see cref="Profile.Version"/>) the
    /// update applies only if nobody changed the profile since; otherwise 409 <c>version_conflict</c>, whose
    /// <c>currentVersion</c> extension says the version to re-read.
    /// </summary>
    public async Task<Profile> UpdateAsync(ProfileUpdate update, string? ifVersion = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(update, nameof(update));
        var body = ApiTransport.Serialize(update, ClientJsonContext.Default.ProfileUpdate);
        var result = await _transport.SendAsync(Patch, "v1/profile", body, ClientJsonContext.Default.Profile, cancellationToken, ifMatch: ifVersion).ConfigureAwait(false);
        return result.Value with { Version = result.Version };
    }
}
