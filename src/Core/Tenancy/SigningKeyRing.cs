using System.Security.Cryptography;
using GameBackend.Core.Common;

namespace GameBackend.Core.Tenancy;

/// <summary>
/// The rules of a title's signing keys: the newest active key signs; every active key validates; a key is
/// retired once no token it signed can still be valid (its successor is older than the longest access-token
/// lifetime plus a margin), and at most <see cref="MaxActiveKeys"/> stay active.
/// </summary>
internal static class SigningKeyRing
{
    public const int MaxActiveKeys = 3;

    /// <summary>Retired keys are kept for a while only so admins can see what happened; they never validate.</summary>
    public const int MaxRetiredKeys = 2;

    /// <summary>Covers clock skew between hosts and the validator's own tolerance.</summary>
    public static readonly TimeSpan RetirementMargin = TimeSpan.FromMinutes(5);

    public static SigningKey NewKey(DateTimeOffset now)
    {
        var secret = new byte[32];
        RandomNumberGenerator.Fill(secret);
        return new SigningKey(Secrets.RandomBase64Url(6), secret, now, null);
    }

    /// <summary>The key that signs new tokens: the newest one not retired.</summary>
    public static SigningKey? Current(IReadOnlyList<SigningKey> keys)
    {
        SigningKey? newest = null;
        foreach (var key in keys)
        {
            if (key.RetiredAt is null && (newest is null || key.CreatedAt >= newest.CreatedAt))
            {
                newest = key;
            }
        }

        return newest;
    }

    /// <summary>The active (not retired) key with this id, or null.</summary>
    public static SigningKey? FindActive(IReadOnlyList<SigningKey> keys, string keyId)
    {
        foreach (var key in keys)
        {
            if (key.RetiredAt is null && string.Equals(key.KeyId, keyId, StringComparison.Ordinal))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The keys after adding <paramref name="newKey"/> and retiring those no valid token can depend on.</summary>
    public static IReadOnlyList<SigningKey> Rotate(IReadOnlyList<SigningKey> keys, SigningKey newKey, TimeSpan accessTokenLifetime)
    {
        var now = newKey.CreatedAt;
        var retireIfSupersededBefore = now - accessTokenLifetime - RetirementMargin;
        var ordered = keys.OrderBy(k => k.CreatedAt).Append(newKey).ToList();

        // A key stopped signing when its successor was made; tokens it signed expire a lifetime later.
        for (var i = 0; i < ordered.Count - 1; i++)
        {
            if (ordered[i].RetiredAt is null && ordered[i + 1].CreatedAt <= retireIfSupersededBefore)
            {
                ordered[i] = ordered[i] with { RetiredAt = now };
            }
        }

        // Rotating again and again within one lifetime (an emergency) must not grow the list without bound.
        var active = ordered.Count(k => k.RetiredAt is null);
        for (var i = 0; i < ordered.Count && active > MaxActiveKeys; i++)
        {
            if (ordered[i].RetiredAt is null)
            {
                ordered[i] = ordered[i] with { RetiredAt = now };
                active--;
            }
        }

        var retiredToKeep = ordered.Where(k => k.RetiredAt is not null)
            .OrderByDescending(k => k.RetiredAt).ThenByDescending(k => k.CreatedAt)
            .Take(MaxRetiredKeys).ToHashSet();
        return ordered.Where(k => k.RetiredAt is null || retiredToKeep.Contains(k)).ToList();
    }
}
