using GameBackend.Core.Common;

namespace GameBackend.Core.Tenancy;

/// <summary>What a title's name and settings may be. Checked on every write, so stored titles are always valid.</summary>
public static class TitleRules
{
    public const int MaxNameLength = 64;
    public const int MinAccessTokenLifetimeSeconds = 60;

    /// <summary>A day: access tokens cannot be recalled, and signing keys are retired this long after they stop signing.</summary>
    public const int MaxAccessTokenLifetimeSeconds = 24 * 3600;
    public const int MinRefreshTokenLifetimeSeconds = 3600;
    public const int MaxRefreshTokenLifetimeSeconds = 365 * 24 * 3600;
    public const int MaxRequestsPerSecond = 1_000_000;

    /// <summary>The highest friend limit: counting a player's friends reads at most this many edges.</summary>
    public const int MaxFriendsLimit = 5000;

    /// <summary>The trimmed name, or a validation error.</summary>
    public static Result<string> NormalizeName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl))
        {
            return Error.Validation(ErrorCodes.InvalidTitleName, $"A title name is 1–{MaxNameLength} characters without control characters.");
        }

        return trimmed;
    }

    public static Error? CheckSettings(TitleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.AccessTokenLifetimeSeconds is < MinAccessTokenLifetimeSeconds or > MaxAccessTokenLifetimeSeconds)
        {
            return Error.Validation(ErrorCodes.InvalidAccessTokenLifetime,
                $"The access-token lifetime is {MinAccessTokenLifetimeSeconds}–{MaxAccessTokenLifetimeSeconds} seconds.");
        }

        if (settings.RefreshTokenLifetimeSeconds is < MinRefreshTokenLifetimeSeconds or > MaxRefreshTokenLifetimeSeconds
            || settings.RefreshTokenLifetimeSeconds < settings.AccessTokenLifetimeSeconds)
        {
            return Error.Validation(ErrorCodes.InvalidRefreshTokenLifetime,
                $"The refresh-token lifetime is {MinRefreshTokenLifetimeSeconds}–{MaxRefreshTokenLifetimeSeconds} seconds and not shorter than the access-token lifetime.");
        }

        if (settings.RequestsPerSecond is < 0 or > MaxRequestsPerSecond
            || settings.RequestsPerSecondPerClient is < 0 or > MaxRequestsPerSecond)
        {
            return Error.Validation(ErrorCodes.InvalidRateLimit, $"Rate limits are 0–{MaxRequestsPerSecond} requests per second (0 = the cell's default).");
        }

        if (settings.MaxFriends is < 1 or > MaxFriendsLimit)
        {
            return Error.Validation(ErrorCodes.InvalidFriendLimit, $"The friend limit is 1–{MaxFriendsLimit}.");
        }

        return null;
    }
}
