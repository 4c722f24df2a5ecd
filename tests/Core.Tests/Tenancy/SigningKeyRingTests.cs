using GameBackend.Core.Tenancy;

namespace GameBackend.Core.Tests.Tenancy;

public sealed class SigningKeyRingTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    [Fact]
    public void Rotation_keeps_the_old_key_active_and_makes_the_new_one_current()
    {
        var first = SigningKeyRing.NewKey(Start);
        var second = SigningKeyRing.NewKey(Start.AddDays(1));

        var keys = SigningKeyRing.Rotate([first], second, Lifetime);

        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Null(k.RetiredAt));
        Assert.Same(second, SigningKeyRing.Current(keys));
        Assert.NotNull(SigningKeyRing.FindActive(keys, first.KeyId));
    }

    [Fact]
    public void A_key_is_retired_once_its_successor_is_older_than_the_token_lifetime_plus_margin()
    {
        var first = SigningKeyRing.NewKey(Start);
        var second = SigningKeyRing.NewKey(Start.AddHours(1));
        var keys = SigningKeyRing.Rotate([first], second, Lifetime);

        // Too soon: tokens signed by the first key just before the second was made may still be valid.
        var soon = SigningKeyRing.Rotate(keys, SigningKeyRing.NewKey(second.CreatedAt + Lifetime), Lifetime);
        Assert.NotNull(SigningKeyRing.FindActive(soon, first.KeyId));

        var later = SigningKeyRing.Rotate(keys, SigningKeyRing.NewKey(second.CreatedAt + Lifetime + SigningKeyRing.RetirementMargin), Lifetime);
        Assert.Null(SigningKeyRing.FindActive(later, first.KeyId));
        Assert.NotNull(SigningKeyRing.FindActive(later, second.KeyId));
        Assert.NotNull(later.Single(k => k.KeyId == first.KeyId).RetiredAt);
    }

    [Fact]
    public void Rapid_rotations_keep_at_most_three_active_keys_and_a_bounded_list()
    {
        IReadOnlyList<SigningKey> keys = [SigningKeyRing.NewKey(Start)];
        for (var i = 1; i <= 10; i++)
        {
            keys = SigningKeyRing.Rotate(keys, SigningKeyRing.NewKey(Start.AddSeconds(i)), Lifetime);
        }

        Assert.Equal(SigningKeyRing.MaxActiveKeys, keys.Count(k => k.RetiredAt is null));
        Assert.True(keys.Count <= SigningKeyRing.MaxActiveKeys + SigningKeyRing.MaxRetiredKeys);
        Assert.Equal(Start.AddSeconds(10), SigningKeyRing.Current(keys)!.CreatedAt);
    }
}
