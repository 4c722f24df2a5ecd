using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GameBackend.Client;

/// <summary>
/// A signed-in player's tokens. The client keeps the current one itself; a game persists
/// <see cref="RefreshToken"/> (and <see cref="PlayerId"/>) from <see cref="GameBackendClient.SessionChanged"/> to
/// resume without signing in again. Refresh tokens rotate on every use, so always persist the newest one.
/// </summary>
public sealed record PlayerSession(
    string PlayerId,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt);

/// <summary>The answer to a sign-in: the session, and whether the account was created by it.</summary>
public sealed record SignInResult(
    string PlayerId,
    bool Created,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt)
{
    internal PlayerSession ToSession() => new(PlayerId, AccessToken, AccessTokenExpiresAt, RefreshToken, RefreshTokenExpiresAt);
}

/// <summary>A sign-in method linked to the account: method is "device", "email" or "custom".</summary>
public sealed record AccountIdentity(string Method, string Subject, DateTimeOffset LinkedAt);

/// <summary>The caller's own account and its sign-in methods.</summary>
public sealed record Account(string PlayerId, DateTimeOffset CreatedAt, IReadOnlyList<AccountIdentity> Identities);

/// <summary>Everything the backend holds about the player (GDPR export): one member of <see cref="Sections"/> per feature.</summary>
public sealed record PlayerExport(string TitleId, string PlayerId, DateTimeOffset ExportedAt, JsonElement Sections);

/// <summary>The erasure is complete; <see cref="AlreadyErased"/> tells a re-run from the first.</summary>
public sealed record PlayerErasure(string PlayerId, DateTimeOffset ErasedAt, bool AlreadyErased);

internal sealed record DeviceSignInRequest(string DeviceId, bool Create);

internal sealed record EmailCredentialsRequest(string Email, string Password);

internal sealed record RefreshRequest(string RefreshToken);

internal sealed record TokenResponse(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt);

internal sealed record DeleteAccountRequest(string Confirm);

/// <summary>A partial profile update: a null member is left as it is.</summary>
public sealed record ProfileUpdate
{
    public string? DisplayName { get; init; }

    public string? AvatarUrl { get; init; }

    public string? Locale { get; init; }

    /// <summary>The game's own JSON object (at most 4 KiB, depth 8).</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary>A player's profile. <see cref="Version"/> is its ETag: pass it back to update only that version.</summary>
public sealed record Profile(
    string PlayerId,
    string? DisplayName,
    string? AvatarUrl,
    string? Locale,
    JsonElement? Metadata,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The profile's version (from the ETag header), for a conditional update.</summary>
    [JsonIgnore]
    public string? Version { get; init; }
}

/// <summary>The caller's relation to another player: state is "friend", "incoming", "outgoing" or "blocked".</summary>
public sealed record Friend(string PlayerId, string State, DateTimeOffset Since);

/// <summary>A page of the friend list; pass <see cref="Cursor"/> back for the next page (null on the last).</summary>
public sealed record FriendPage(IReadOnlyList<Friend> Items, string? Cursor);

/// <summary>The states a friend list can be read by.</summary>
public static class FriendStates
{
    public const string Friend = "friend";
    public const string Incoming = "incoming";
    public const string Outgoing = "outgoing";
    public const string Blocked = "blocked";
}
