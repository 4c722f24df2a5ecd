using System.Security.Cryptography;
using GameBackend.Core.Common;
using GameBackend.Core.Sessions;

namespace GameBackend.Core.Tests.Sessions;

public sealed class JoinTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private static readonly JoinGrant Grant = new(Ids.NewId(TimeProvider.System), Ids.NewId(TimeProvider.System), Ids.NewId(TimeProvider.System), 7, Now.AddMinutes(10));

    [Fact]
    public void A_token_verifies_and_grants_what_it_was_made_for()
    {
        var token = JoinToken.Create(Grant, "abcdefgh", Secret);

        Assert.Equal(JoinToken.Length, token.Length);
        Assert.Equal("abcdefgh", JoinToken.KeyIdOf(token));
        Assert.Equal(JoinTokenFailure.None, JoinToken.Verify(token, Secret, Now, out var grant));
        Assert.Equal(Grant, grant);
    }

    [Fact]
    public void An_expired_token_fails()
    {
        var token = JoinToken.Create(Grant, "abcdefgh", Secret);

        Assert.Equal(JoinTokenFailure.Expired, JoinToken.Verify(token, Secret, Grant.ExpiresAt, out var grant));
        Assert.Null(grant);
    }

    [Fact]
    public void Changing_any_byte_or_the_key_breaks_the_signature()
    {
        var token = JoinToken.Create(Grant, "abcdefgh", Secret);
        for (var i = 1; i < token.Length; i++)
        {
            var forged = (byte[])token.Clone();
            forged[i] ^= 0x01;
            Assert.Equal(JoinTokenFailure.BadSignature, JoinToken.Verify(forged, Secret, Now, out _));
        }

        Assert.Equal(JoinTokenFailure.BadSignature, JoinToken.Verify(token, RandomNumberGenerator.GetBytes(32), Now, out _));
    }

    [Fact]
    public void Malformed_tokens_fail_without_throwing()
    {
        var token = JoinToken.Create(Grant, "abcdefgh", Secret);

        Assert.Equal(JoinTokenFailure.Malformed, JoinToken.Verify(token.AsSpan(0, 50), Secret, Now, out _));
        Assert.Equal(JoinTokenFailure.Malformed, JoinToken.Verify([], Secret, Now, out _));
        var wrongVersion = (byte[])token.Clone();
        wrongVersion[0] = 2;
        Assert.Equal(JoinTokenFailure.Malformed, JoinToken.Verify(wrongVersion, Secret, Now, out _));
        Assert.Null(JoinToken.KeyIdOf(wrongVersion));
    }
}
