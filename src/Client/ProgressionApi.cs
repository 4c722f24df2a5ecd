using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>Progression: XP, level, stats and achievements.</summary>
public sealed class ProgressionApi
{
    private readonly ApiTransport _transport;

    internal ProgressionApi(ApiTransport transport)
    {
        _transport = transport;
    }

    public async Task<Progression> GetAsync(CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, "v1/progression", null, ClientJsonContext.Default.Progression, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Another player's level and achievements.</summary>
    public async Task<PublicProgression> GetPlayerAsync(string playerId, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(playerId, nameof(playerId));
        return (await _transport.SendAsync(HttpMethod.Get, "v1/players/" + PathSegment.Of(playerId) + "/progression", null, ClientJsonContext.Default.PublicProgression, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>
    /// Adds <paramref name="by"/> (negative subtracts) to a stat the title marks client-writable, atomically; out of
    /// bounds is 400 <c>stat_out_of_range</c> and nothing changes. Rules may grant XP and unlock achievements.
    /// </summary>
    public async Task<ProgressionChange> IncrementStatAsync(string stat, long by, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(stat, nameof(stat));
        var body = ApiTransport.Serialize(new StatIncrementRequest(by), ClientJsonContext.Default.StatIncrementRequest);
        return (await _transport.SendAsync(HttpMethod.Post, "v1/progression/stats/" + PathSegment.Of(stat) + "/increment", body, ClientJsonContext.Default.ProgressionChange, cancellationToken).ConfigureAwait(false)).Value;
    }
}
