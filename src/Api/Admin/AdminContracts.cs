using System.Text.Json.Serialization;
using GameBackend.Api.Accounts;
using GameBackend.Core.Accounts;
using GameBackend.Core.Tenancy;

namespace GameBackend.Api.Admin;

public sealed record BanRequest
{
    [JsonRequired]
    public required DateTimeOffset Until { get; init; }

    public string? Reason { get; init; }
}

public sealed record LinkCustomIdRequest
{
    [JsonRequired]
    public required string CustomId { get; init; }
}

/// <summary>What a studio's server sees of a player: identities and the enforcement state.</summary>
public sealed record AdminPlayerResponse(
    string PlayerId,
    DateTimeOffset CreatedAt,
    IReadOnlyList<IdentityResponse> Identities,
    bool Disabled,
    DateTimeOffset? BannedUntil,
    string? BanReason)
{
    public static AdminPlayerResponse From(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.PlayerId, account.CreatedAt, AccountResponse.IdentitiesOf(account), account.Disabled, account.BannedUntil, account.BanReason);
    }
}

public sealed record ServerKeyResponse(string ServerKey);

public sealed record SigningKeyResponse(string KeyId, DateTimeOffset CreatedAt);

/// <summary>A title's settings; PUT replaces them all, so every member is required.</summary>
public sealed record TitleSettingsDocument
{
    [JsonRequired]
    public required bool UniqueDisplayNames { get; init; }

    [JsonRequired]
    public required int AccessTokenLifetimeSeconds { get; init; }

    [JsonRequired]
    public required int RefreshTokenLifetimeSeconds { get; init; }

    /// <summary>0 = the deployment's default (GameBackend:RateLimits:RequestsPerSecondPerTitle).</summary>
    [JsonRequired]
    public required int RequestsPerSecond { get; init; }

    /// <summary>0 = the deployment's default (GameBackend:RateLimits:RequestsPerSecondPerClient).</summary>
    [JsonRequired]
    public required int RequestsPerSecondPerClient { get; init; }

    /// <summary>Friends plus pending outgoing requests one player may hold; optional on input (absent = the default).</summary>
    public int MaxFriends { get; init; } = TitleSettings.DefaultMaxFriends;

    public static TitleSettingsDocument From(TitleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new()
        {
            UniqueDisplayNames = settings.UniqueDisplayNames,
            AccessTokenLifetimeSeconds = settings.AccessTokenLifetimeSeconds,
            RefreshTokenLifetimeSeconds = settings.RefreshTokenLifetimeSeconds,
            RequestsPerSecond = settings.RequestsPerSecond,
            RequestsPerSecondPerClient = settings.RequestsPerSecondPerClient,
            MaxFriends = settings.MaxFriends,
        };
    }

    public TitleSettings ToSettings() => new()
    {
        UniqueDisplayNames = UniqueDisplayNames,
        AccessTokenLifetimeSeconds = AccessTokenLifetimeSeconds,
        RefreshTokenLifetimeSeconds = RefreshTokenLifetimeSeconds,
        RequestsPerSecond = RequestsPerSecond,
        RequestsPerSecondPerClient = RequestsPerSecondPerClient,
        MaxFriends = MaxFriends,
    };
}
