using System.Net;
using Microsoft.Extensions.Options;

namespace GameBackend.SessionRelay;

/// <summary>
/// Relay settings (section <c>Relay</c> in the container, <c>GameBackend:Relay</c> in Hosts.Local). Every limit has a
/// default a small game can run with; the caps are per member, so one noisy client cannot starve a session.
/// </summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>The UDP address and port to bind, <c>host:port</c> (IPv4 or [IPv6]).</summary>
    public string Endpoint { get; set; } = "0.0.0.0:7777";

    /// <summary>What clients are told to send to (the registry hands it out); the bound endpoint when empty.</summary>
    public string? PublicEndpoint { get; set; }

    /// <summary>This relay's id in the registry; stable across restarts of the same deployment slot.</summary>
    public string RelayId { get; set; } = "relay";

    public string Region { get; set; } = "local";

    /// <summary>Sessions held at once; a JOIN that would start one more is refused <c>full</c>.</summary>
    public int MaxSessions { get; set; } = 4096;

    /// <summary>Members held at once across all sessions; tables are preallocated to this size.</summary>
    public int MaxMembers { get; set; } = 16384;

    /// <summary>A member that sends nothing for this long is removed.</summary>
    public double IdleTimeoutSeconds { get; set; } = 15;

    /// <summary>A session is closed this long after it started, whatever its members do.</summary>
    public double MaxSessionSeconds { get; set; } = 4 * 3600;

    /// <summary>Datagrams per second one member may send (burst: one second's worth); 0 = no cap.</summary>
    public int MemberPacketsPerSecond { get; set; } = 200;

    /// <summary>Bytes per second one member may send (burst: one second's worth); 0 = no cap.</summary>
    public int MemberBytesPerSecond { get; set; } = 200_000;

    /// <summary>
    /// JOINs per second one source address may send (an IPv4 address, or an IPv6 /64; burst: one second's worth), checked
    /// before the token's HMAC, so a flood of forged JOINs from one place costs a table lookup each instead of an HMAC.
    /// Members behind one carrier-grade NAT share an address: raise it where that is common. 0 = no cap.
    /// </summary>
    public int JoinsPerSecondPerAddress { get; set; } = 50;

    /// <summary>How long a draining relay lets its sessions run before it closes them and stops.</summary>
    public double DrainSeconds { get; set; } = 60;

    /// <summary>
    /// For this long after a drain begins (at most <see cref="DrainSeconds"/>), JOINs may still start sessions, and the
    /// relay stays up at least this long: the backend may have allocated matches here just before it heard of the
    /// drain (its registry is cached for a second, heartbeats come every few seconds), and a matched group refused by
    /// its relay has no other place to play. 0 refuses new sessions from the first moment.
    /// </summary>
    public double DrainAcceptSeconds { get; set; } = 10;

    /// <summary>Datagrams taken per receive call (recvmmsg batch).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>"auto" (recvmmsg/sendmmsg on 64-bit Linux, sockets elsewhere), "batched" or "socket".</summary>
    public string Transport { get; set; } = "auto";

    /// <summary>SO_RCVBUF / SO_SNDBUF asked of the kernel (it may grant less).</summary>
    public int SocketBufferBytes { get; set; } = 8 << 20;

    /// <summary>The titles this relay serves, with their relay keys as known at start (heartbeat answers refresh them).</summary>
    public List<RelayTitleOptions> Titles { get; set; } = [];

    /// <summary>
    /// When true, a JOIN for a title this relay does not know makes it ask its control plane for that title's keys
    /// (Hosts.Local, whose in-process control plane knows every title). The HTTP control plane cannot sign for a title
    /// it holds no key of, so the container serves exactly its configured titles.
    /// </summary>
    public bool DiscoverTitles { get; set; }

    /// <summary>The backend's base URL for heartbeats (<c>POST {BackendUrl}/v1/relays/heartbeat</c>); none sends no heartbeats.</summary>
    public string? BackendUrl { get; set; }

    /// <summary>Heartbeat period until the backend's answer says otherwise.</summary>
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// When false, a relay that cannot bind its UDP endpoint logs an error and its host runs on without it (Hosts.Local,
    /// where another instance may hold the port); when true (the container) the host fails to start.
    /// </summary>
    public bool Required { get; set; } = true;

    /// <summary>The relay's own HTTP listener (health, readiness, metrics); container entry point only.</summary>
    public string HttpUrls { get; set; } = "http://0.0.0.0:8081";

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(IdleTimeoutSeconds);

    public TimeSpan MaxSessionDuration => TimeSpan.FromSeconds(MaxSessionSeconds);

    public TimeSpan DrainTimeout => TimeSpan.FromSeconds(DrainSeconds);

    public IPEndPoint ParseBindEndpoint() => IPEndPoint.Parse(Endpoint);
}

/// <summary>A title the relay serves and its relay keys.</summary>
public sealed class RelayTitleOptions
{
    public string TitleId { get; set; } = "";

    public List<RelayKeyOptions> Keys { get; set; } = [];
}

/// <summary>A relay key: its 8-character id and its secret as base64url (as <c>GET /v1/admin/keys/relay</c> lists them).</summary>
public sealed class RelayKeyOptions
{
    public string KeyId { get; set; } = "";

    public string Secret { get; set; } = "";
}

/// <summary>Fails start-up on settings that would make the relay misbehave later, naming the setting.</summary>
public sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!IPEndPoint.TryParse(options.Endpoint ?? "", out _))
        {
            failures.Add($"Relay:Endpoint must be host:port (was \"{options.Endpoint}\").");
        }

        Check(failures, options.MaxSessions is >= 1 and <= 1_000_000, "Relay:MaxSessions must be 1 to 1000000.");
        Check(failures, options.MaxMembers is >= 1 and <= 4_000_000, "Relay:MaxMembers must be 1 to 4000000.");
        Check(failures, options.IdleTimeoutSeconds is >= 0.1 and <= 3600, "Relay:IdleTimeoutSeconds must be 0.1 to 3600.");
        Check(failures, options.MaxSessionSeconds is >= 1 and <= 7 * 86400, "Relay:MaxSessionSeconds must be 1 to 604800.");
        Check(failures, options.MemberPacketsPerSecond is >= 0 and <= 65535, "Relay:MemberPacketsPerSecond must be 0 (no cap) to 65535.");
        Check(failures, options.MemberBytesPerSecond >= 0, "Relay:MemberBytesPerSecond must be 0 (no cap) or more.");
        Check(failures, options.JoinsPerSecondPerAddress is >= 0 and <= 1_000_000, "Relay:JoinsPerSecondPerAddress must be 0 (no cap) to 1000000.");
        Check(failures, options.DrainSeconds is >= 0 and <= 86400, "Relay:DrainSeconds must be 0 to 86400.");
        Check(failures, options.DrainAcceptSeconds is >= 0 and <= 3600, "Relay:DrainAcceptSeconds must be 0 to 3600.");
        Check(failures, IsRegistryId(options.RelayId), "Relay:RelayId must be 1–64 characters of a–z, 0–9, '_' and '-'.");
        Check(failures, IsRegistryId(options.Region), "Relay:Region must be 1–64 characters of a–z, 0–9, '_' and '-'.");
        var hasBackend = !string.IsNullOrEmpty(options.BackendUrl);
        var advertised = string.IsNullOrEmpty(options.PublicEndpoint) ? options.Endpoint : options.PublicEndpoint;
        Check(failures, !hasBackend || !IPEndPoint.TryParse(advertised ?? "", out var advertisedEndpoint)
                || (!advertisedEndpoint.Address.Equals(IPAddress.Any) && !advertisedEndpoint.Address.Equals(IPAddress.IPv6Any) && advertisedEndpoint.Port != 0),
            "Relay:PublicEndpoint (host:port clients can reach) is required with Relay:BackendUrl when the relay binds 0.0.0.0, [::] or port 0.");
        Check(failures, options.BatchSize is >= 1 and <= 1024, "Relay:BatchSize must be 1 to 1024.");
        Check(failures, options.Transport is "auto" or "batched" or "socket", "Relay:Transport must be \"auto\", \"batched\" or \"socket\".");
        Check(failures, options.HeartbeatSeconds is >= 0.1 and <= 3600, "Relay:HeartbeatSeconds must be 0.1 to 3600.");
        Check(failures, options.BackendUrl is null || options.BackendUrl.Length == 0 || Uri.TryCreate(options.BackendUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
            "Relay:BackendUrl must be an absolute http(s) URL.");
        foreach (var title in options.Titles)
        {
            if (!RelayKeyRing.TryParseId(title.TitleId, out _))
            {
                failures.Add($"Relay:Titles: \"{title.TitleId}\" is not a 32-hex-digit title id.");
            }

            foreach (var key in title.Keys)
            {
                if (!RelayKeyRing.TryParseKey(key.KeyId, key.Secret, out _, out _))
                {
                    failures.Add($"Relay:Titles: key \"{key.KeyId}\" of title {title.TitleId} needs an 8-character ASCII id and a base64url secret.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The registry's rule for relay ids and regions (docs/relays.md).</summary>
    private static bool IsRegistryId(string? id) =>
        id is { Length: >= 1 and <= 64 } && id.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_-") < 0;

    private static void Check(List<string> failures, bool ok, string message)
    {
        if (!ok)
        {
            failures.Add(message);
        }
    }
}
