using System.Text.Json.Serialization;
using GameBackend.Core.Accounts;

namespace GameBackend.Api.Accounts;

public sealed record DeviceSignInRequest
{
    [JsonRequired]
    public required string DeviceId { get; init; }

    /// <summary>Create the account on first use (default). False makes sign-in fail with account_not_found instead.</summary>
    public bool Create { get; set; } = true;
}

public sealed record CustomSignInRequest
{
    [JsonRequired]
    public required string CustomId { get; init; }

    public bool Create { get; set; } = true;
}

public sealed record EmailCredentialsRequest
{
    [JsonRequired]
    public required string Email { get; init; }

    [JsonRequired]
    public required string Password { get; init; }
}

public sealed record RefreshRequest
{
    [JsonRequired]
    public required string RefreshToken { get; init; }
}

public sealed record LinkDeviceRequest
{
    [JsonRequired]
    public required string DeviceId { get; init; }
}

public sealed record UnlinkRequest
{
    /// <summary>"device", "email" or "custom".</summary>
    [JsonRequired]
    public required string Method { get; init; }

    [JsonRequired]
    public required string Subject { get; init; }
}

public sealed record SignInResponse(
    string PlayerId,
    bool Created,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt)
{
    public static SignInResponse From(SignInResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var t = result.Tokens;
        return new(result.PlayerId, result.Created, t.AccessToken, t.AccessTokenExpiresAt, t.RefreshToken, t.RefreshTokenExpiresAt);
    }
}

public sealed record TokenResponse(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt)
{
    public static TokenResponse From(TokenPair tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return new(tokens.AccessToken, tokens.AccessTokenExpiresAt, tokens.RefreshToken, tokens.RefreshTokenExpiresAt);
    }
}

public sealed record IdentityResponse(string Method, string Subject, DateTimeOffset LinkedAt);

/// <summary>The caller's own account: its identities are the caller's own data (device ids, emails).</summary>
public sealed record AccountResponse(string PlayerId, DateTimeOffset CreatedAt, IReadOnlyList<IdentityResponse> Identities)
{
    public static AccountResponse From(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.PlayerId, account.CreatedAt, IdentitiesOf(account));
    }

    internal static IdentityResponse[] IdentitiesOf(Account account)
    {
        var identities = new IdentityResponse[account.Identities.Count];
        for (var i = 0; i < identities.Length; i++)
        {
            var identity = account.Identities[i];
            identities[i] = new IdentityResponse(SignInMethods.Name(identity.Method), identity.Subject, identity.LinkedAt);
        }

        return identities;
    }
}

/// <summary>Wire names of <see cref="SignInMethod"/>: lowercase, stable.</summary>
public static class SignInMethods
{
    public static string Name(SignInMethod method) => method switch
    {
        SignInMethod.Device => "device",
        SignInMethod.Email => "email",
        SignInMethod.Custom => "custom",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static bool TryParse(string? name, out SignInMethod method)
    {
        switch (name)
        {
            case "device":
                method = SignInMethod.Device;
                return true;
            case "email":
                method = SignInMethod.Email;
                return true;
            case "custom":
                method = SignInMethod.Custom;
                return true;
            default:
                method = default;
                return false;
        }
    }
}
