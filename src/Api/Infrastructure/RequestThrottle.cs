using System.Net;
using System.Threading.RateLimiting;
using GameBackend.Core.Tenancy;
using Microsoft.Extensions.Options;

namespace GameBackend.Api.Infrastructure;

/// <summary>
/// Per-title and per-client token buckets. It runs after the caller's credentials are checked (so the title
/// and player are known) and before any store read, so a flood costs the store nothing. Partition keys are
/// structs that include the limit itself: a title that changes its settings simply starts fresh buckets, and
/// the old ones are dropped by the partitioned limiter once idle. Buckets are replenished by the partitioned
/// limiter's single timer, not one timer per bucket.
/// </summary>
public sealed class RequestThrottle : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<TitleBucket> _titles =
        PartitionedRateLimiter.Create<TitleBucket, TitleBucket>(static key => RateLimitPartition.GetTokenBucketLimiter(key, static k => BucketOptions(k.PermitsPerSecond)));

    private readonly PartitionedRateLimiter<ClientBucket> _clients =
        PartitionedRateLimiter.Create<ClientBucket, ClientBucket>(static key => RateLimitPartition.GetTokenBucketLimiter(key, static k => BucketOptions(k.PermitsPerSecond)));

    private readonly IOptionsMonitor<RateLimitOptions> _options;

    public RequestThrottle(IOptionsMonitor<RateLimitOptions> options) => _options = options;

    /// <summary>
    /// Takes one permit from the client's bucket and one from the title's. False, with how long to wait,
    /// when either is empty.
    /// </summary>
    public bool TryAcquire(Title title, string? playerId, IPAddress? address, ClientKind kind, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(title);
        var options = _options.CurrentValue;
        retryAfter = TimeSpan.Zero;
        if (!options.Enabled)
        {
            return true;
        }

        var settings = title.Settings;
        var perClient = settings.RequestsPerSecondPerClient > 0 ? settings.RequestsPerSecondPerClient : options.RequestsPerSecondPerClient;
        var perTitle = settings.RequestsPerSecond > 0 ? settings.RequestsPerSecond : options.RequestsPerSecondPerTitle;

        // A player is one client wherever it connects from; before sign-in, the address is the client.
        var client = playerId is null
            ? new ClientBucket(title.Id, null, address, kind, perClient)
            : new ClientBucket(title.Id, playerId, null, ClientKind.Player, perClient);
        using (var lease = _clients.AttemptAcquire(client))
        {
            if (!lease.IsAcquired)
            {
                retryAfter = RetryAfterOf(lease);
                return false;
            }
        }

        using (var lease = _titles.AttemptAcquire(new TitleBucket(title.Id, perTitle)))
        {
            if (!lease.IsAcquired)
            {
                retryAfter = RetryAfterOf(lease);
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        _titles.Dispose();
        _clients.Dispose();
    }

    private static TimeSpan RetryAfterOf(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : Period;

    private static TokenBucketRateLimiterOptions BucketOptions(int permitsPerSecond) => new()
    {
        TokenLimit = permitsPerSecond,
        TokensPerPeriod = permitsPerSecond,
        ReplenishmentPeriod = Period,
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    private readonly record struct TitleBucket(string TitleId, int PermitsPerSecond);

    private readonly record struct ClientBucket(string TitleId, string? PlayerId, IPAddress? Address, ClientKind Kind, int PermitsPerSecond);
}

/// <summary>Which credential a request came with; server-key and client-key traffic of one address are limited apart.</summary>
public enum ClientKind
{
    Player,
    GameClient,
    StudioServer,
}
