namespace GameBackend.Core.Common;

/// <summary>
/// Sortable unique ids: UUIDv7 (RFC 9562) as 32 lowercase hex digits. The first 48 bits are the
/// Unix time in milliseconds, so ids sort by creation time and make good sort keys in every store.
/// </summary>
public static class Ids
{
    public static string NewId(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>True when <paramref name="id"/> has the shape <see cref="NewId"/> produces.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: 32 } && id.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
}
