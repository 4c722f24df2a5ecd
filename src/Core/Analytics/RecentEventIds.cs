using System.IO.Hashing;
using System.Text;

namespace GameBackend.Core.Analytics;

/// <summary>
/// The event ids (per title) that one handler applied most recently, oldest forgotten first. It catches a client's
/// retry of an HTTP ingest: the retry is a new record at a new offset (so no checkpoint stops it), but it carries the
/// same event ids and, keyed by the player, lands in the same log partition and so with the same consumer. Ids are kept
/// as 128-bit hashes of (title, id): 16 bytes each, and a collision that would drop a real event is a 2^-128 chance.
/// Thread-safe.
/// </summary>
internal sealed class RecentEventIds
{
    private readonly Lock _lock = new();
    private readonly HashSet<UInt128> _set;
    private readonly UInt128[] _ring;
    private int _next;
    private int _count;

    public RecentEventIds(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new UInt128[capacity];
        _set = new HashSet<UInt128>(capacity);
    }

    public int Capacity => _ring.Length;

    public static UInt128 KeyOf(string titleId, string eventId)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(titleId) + 1 + Encoding.UTF8.GetByteCount(eventId)];
        var written = Encoding.UTF8.GetBytes(titleId, bytes);

        // 0xFF never occurs in UTF-8, so ("a", "b/c") and ("a/b", "c") cannot meet.
        bytes[written] = 0xFF;
        Encoding.UTF8.GetBytes(eventId, bytes.AsSpan(written + 1));
        return XxHash128.HashToUInt128(bytes);
    }

    public bool Contains(UInt128 key)
    {
        lock (_lock)
        {
            return _set.Contains(key);
        }
    }

    public void AddRange(IEnumerable<UInt128> keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (!_set.Add(key))
                {
                    continue;
                }

                if (_count == _ring.Length)
                {
                    _set.Remove(_ring[_next]);
                }
                else
                {
                    _count++;
                }

                _ring[_next] = key;
                _next = (_next + 1) % _ring.Length;
            }
        }
    }
}
