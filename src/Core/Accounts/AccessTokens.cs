using System.Collections.Concurrent;
using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GameBackend.Core.Accounts;

/// <summary>An access token just issued, with the times it carries (whole seconds, as in the JWT).</summary>
public sealed record IssuedAccessToken(string Token, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and validates access tokens: compact JWTs signed HS256 with the title's newest signing key
/// (kid header = "{titleId}.{keyId}"), carrying title, player, family and expiry. Validation accepts
/// only HS256 (never "none"), checks issuer, audience, lifetime and signature, and resolves the key
/// through <see cref="TitleService"/> (refreshing its cache once on an unknown key id).
/// </summary>
/// <remarks>
/// Validation runs on every request, so it is kept cheap: one handler for the process, and the key,
/// signing credentials and validation parameters of each title key built once and cached. Lifetime is
/// checked here against the <see cref="TimeProvider"/>, never by the handler against the wall clock.
/// </remarks>
public sealed class AccessTokens
{
    public const string Issuer = "gamebackend";
    public const string TitleClaim = "tid";
    public const string FamilyClaim = "fam";

    /// <summary>Tolerated clock difference between the host that issued a token and the one validating it.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Ours are about 400 characters; anything far larger is not ours and is not worth parsing.</summary>
    private const int MaxTokenLength = 2048;

    /// <summary>Bounds the key cache; title keys are few, so this only guards against something unforeseen.</summary>
    private const int MaxCachedKeys = 10_000;

    private readonly TitleService _titles;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    private readonly ConcurrentDictionary<string, TitleKeyMaterial> _keys = new(StringComparer.Ordinal);

    public AccessTokens(TitleService titles, TimeProvider time)
    {
        _titles = titles ?? throw new ArgumentNullException(nameof(titles));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Signs a token for the player's session family with the title's current signing key.</summary>
    public IssuedAccessToken Issue(Title title, string playerId, string familyId)
    {
        ArgumentNullException.ThrowIfNull(title);
        var signingKey = title.CurrentSigningKey
            ?? throw new InvalidOperationException($"Title {title.Id} has no active signing key.");
        var material = MaterialFor(title.Id, signingKey);

        var now = TruncateToSeconds(_time.GetUtcNow());
        var expiresAt = now.AddSeconds(title.Settings.AccessTokenLifetimeSeconds);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = title.Id,
            IssuedAt = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = material.Credentials,
            Claims = new Dictionary<string, object>(3, StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = playerId,
                [TitleClaim] = title.Id,
                [FamilyClaim] = familyId,
            },
        });
        return new IssuedAccessToken(token, now, expiresAt);
    }

    /// <summary>Signature, algorithm, lifetime and title checks only; no account read. Error code "invalid_token".</summary>
    public async Task<Result<PlayerPrincipal>> ValidateAsync(string? token, CancellationToken ct = default)
    {
        var invalid = Error.Unauthorized(ErrorCodes.InvalidToken, "The access token is not valid.");
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength || token.AsSpan().Count('.') != 2)
        {
            return invalid; // not a compact JWS (an encrypted JWE has four dots)
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return invalid; // SecurityTokenMalformedException derives from it
        }

        if (!string.Equals(jwt.Alg, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal)
            || KeyIdParts(jwt.Kid) is not var (titleId, keyId))
        {
            return invalid;
        }

        var title = await _titles.FindAsync(titleId, ct: ct);
        var signingKey = title is null ? null : SigningKeyRing.FindActive(title.SigningKeys, keyId);
        if (title is not null && signingKey is null)
        {
            // Perhaps the title rotated its key on another host after we cached it.
            title = await _titles.FindAsync(titleId, refresh: true, ct);
            signingKey = title is null ? null : SigningKeyRing.FindActive(title.SigningKeys, keyId);
        }

        if (signingKey is null)
        {
            return invalid;
        }

        var validation = await _handler.ValidateTokenAsync(jwt, MaterialFor(titleId, signingKey).Parameters);
        if (!validation.IsValid
            || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp)
            || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat)
            || !jwt.TryGetPayloadValue<string>(TitleClaim, out var tokenTitleId)
            || !jwt.TryGetPayloadValue<string>(FamilyClaim, out var familyId)
            || !string.Equals(tokenTitleId, titleId, StringComparison.Ordinal)
            || !Ids.IsWellFormed(jwt.Subject)
            || !Ids.IsWellFormed(familyId))
        {
            return invalid;
        }

        var now = _time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (now > expiresAt + ClockSkew || issuedAt > now + ClockSkew || issuedAt >= expiresAt)
        {
            return invalid;
        }

        return new PlayerPrincipal(titleId, jwt.Subject, familyId, expiresAt) { IssuedAt = issuedAt };
    }

    private static (string TitleId, string KeyId)? KeyIdParts(string? kid)
    {
        var dot = kid?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot <= 0 || dot == kid!.Length - 1 ? null : (kid[..dot], kid[(dot + 1)..]);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    /// <summary>The cached key objects for one title key; built once, since building them per request would dominate validation.</summary>
    private TitleKeyMaterial MaterialFor(string titleId, SigningKey signingKey)
    {
        var kid = $"{titleId}.{signingKey.KeyId}";
        if (_keys.TryGetValue(kid, out var material) && material.Matches(signingKey.Secret))
        {
            return material;
        }

        if (_keys.Count >= MaxCachedKeys)
        {
            _keys.Clear();
        }

        material = new TitleKeyMaterial(titleId, kid, signingKey.Secret);
        _keys[kid] = material;
        return material;
    }

    private sealed class TitleKeyMaterial
    {
        private readonly byte[] _secret;

        public TitleKeyMaterial(string titleId, string kid, byte[] secret)
        {
            _secret = secret;
            var key = new SymmetricSecurityKey(secret) { KeyId = kid };
            Credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
            Parameters = new TokenValidationParameters
            {
                IssuerSigningKey = key,
                TryAllIssuerSigningKeys = false,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireSignedTokens = true,
                ValidateIssuer = true,
                ValidIssuer = Issuer,
                ValidateAudience = true,
                ValidAudience = titleId,
                // Lifetime is checked by AccessTokens against the TimeProvider: the handler would use the wall clock.
                ValidateLifetime = false,
                RequireExpirationTime = false,
                ValidateIssuerSigningKey = false,
                ValidateTokenReplay = false,
                SaveSigninToken = false,
            };
        }

        public SigningCredentials Credentials { get; }

        public TokenValidationParameters Parameters { get; }

        /// <summary>Key ids are random per key, so this only guards against a title being recreated under the same id.</summary>
        public bool Matches(byte[] secret) =>
            ReferenceEquals(secret, _secret) || System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(secret, _secret);
    }
}
