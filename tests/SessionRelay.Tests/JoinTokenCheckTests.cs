using System.Security.Cryptography;
using GameBackend.Core.Sessions;

namespace GameBackend.SessionRelay.Tests;

public sealed class JoinTokenCheckTests
{
    [Fact]
    public void The_relays_check_gives_the_same_answer_as_JoinToken_Verify()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var now = DateTimeOffset.UtcNow;
        var valid = JoinToken.Create(new JoinGrant(RelayHarness.NewId(), RelayHarness.NewId(), RelayHarness.NewId(), 3, now.AddMinutes(1)), "abcdefgh", secret);
        var expired = JoinToken.Create(new JoinGrant(RelayHarness.NewId(), RelayHarness.NewId(), RelayHarness.NewId(), 3, now.AddSeconds(-1)), "abcdefgh", secret);
        var atExpiry = JoinToken.Create(new JoinGrant(RelayHarness.NewId(), RelayHarness.NewId(), RelayHarness.NewId(), 3, DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds())), "abcdefgh", secret);
        var cases = new List<byte[]> { valid, expired, atExpiry, valid[..97], valid.Append((byte)0).ToArray(), new byte[98] };
        for (var i = 0; i < valid.Length; i++)
        {
            var flipped = (byte[])valid.Clone();
            flipped[i] ^= 0x10;
            cases.Add(flipped);
        }

        foreach (var token in cases)
        {
            foreach (var key in new[] { secret, new byte[32] })
            {
                Assert.Equal(JoinToken.Verify(token, key, now, out _), JoinTokenCheck.Verify(token, key, now.ToUnixTimeSeconds()));
            }
        }
    }
}
