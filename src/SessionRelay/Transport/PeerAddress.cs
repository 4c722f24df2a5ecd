using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GameBackend.SessionRelay.Transport;

/// <summary>Room for the largest socket address a relay sees (sockaddr_in6 is 28 bytes).</summary>
[InlineArray(Capacity)]
internal struct AddressBytes
{
    public const int Capacity = 32;

    private byte _first;
}

/// <summary>
/// A datagram's source or destination as the raw socket address the OS gave us, kept opaque: comparing and storing
/// these bytes costs two or four word compares and never builds an <see cref="System.Net.IPEndPoint"/>. The bytes sit
/// inside pinned arrays, so the batched transport hands the kernel pointers to them directly.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PeerAddress
{
    public AddressBytes Bytes;
    public int Length;

    public readonly bool SameAs(in PeerAddress other)
    {
        if (Length != other.Length)
        {
            return false;
        }

        ref var a = ref Unsafe.As<AddressBytes, ulong>(ref Unsafe.AsRef(in Bytes));
        ref var b = ref Unsafe.As<AddressBytes, ulong>(ref Unsafe.AsRef(in other.Bytes));
        if (Length <= 16)
        {
            // sockaddr_in: family, port, address, then zeros.
            return a == b && Unsafe.Add(ref a, 1) == Unsafe.Add(ref b, 1);
        }

        return a == b && Unsafe.Add(ref a, 1) == Unsafe.Add(ref b, 1) && Unsafe.Add(ref a, 2) == Unsafe.Add(ref b, 2) && Unsafe.Add(ref a, 3) == Unsafe.Add(ref b, 3);
    }

    public void CopyFrom(ReadOnlySpan<byte> address)
    {
        Span<byte> bytes = Bytes;
        bytes.Clear();
        var length = Math.Min(address.Length, AddressBytes.Capacity);
        address[..length].CopyTo(bytes);
        Length = length;
    }
}
