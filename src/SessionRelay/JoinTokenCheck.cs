using System.Buffers.Binary;
using System.Security.Cryptography;
using GameBackend.Core.Sessions;

namespace GameBackend.SessionRelay;

/// <summary>
/// <see cref="JoinToken.Verify"/> without its grant: the same checks in the same order (shape, HMAC-SHA256 in
/// constant time, expiry), but nothing allocated, because the relay reads the fields it needs straight from the token
/// bytes. Why not call Verify: an authentic token replayed from another endpoint (refused <c>slot_in_use</c>) would
/// then cost a record and three strings per datagram, which an attacker holding one captured token could repeat at
/// line rate. A test holds the two to the same answers.
/// </summary>
internal static class JoinTokenCheck
{
    public static JoinTokenFailure Verify(ReadOnlySpan<byte> token, ReadOnlySpan<byte> secret, long nowUnixSeconds)
    {
        if (token.Length != JoinToken.Length || token[0] != JoinToken.Version)
        {
            return JoinTokenFailure.Malformed;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(secret, token[..JoinToken.SignedLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, token.Slice(JoinToken.SignedLength, 32)))
        {
            return JoinTokenFailure.BadSignature;
        }

        return nowUnixSeconds >= BinaryPrimitives.ReadInt64BigEndian(token.Slice(58, 8)) ? JoinTokenFailure.Expired : JoinTokenFailure.None;
    }
}
