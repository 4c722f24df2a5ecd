using System.Net;
using System.Runtime.InteropServices;

namespace GameBackend.SessionRelay.Transport;

/// <summary>
/// Moves batches of datagrams between the relay's one socket and its pinned buffers. Two implementations: recvmmsg /
/// sendmmsg on 64-bit Linux (one system call per batch, as the C baseline does) and plain sockets elsewhere.
/// </summary>
internal interface IDatagramTransport : IDisposable
{
    IPEndPoint LocalEndpoint { get; }

    /// <summary>"batched" or "socket", for the start-up log and the metrics.</summary>
    string Name { get; }

    /// <summary>Fills the batch; waits at most about <see cref="ReceiveBatch.PollInterval"/> for the first datagram. Returns how many arrived (0 on timeout).</summary>
    int Receive(ReceiveBatch batch);

    /// <summary>Sends every queued datagram; returns how many the OS refused.</summary>
    int Send(SendQueue queue);
}

/// <summary>
/// The receive side's pinned memory: <see cref="Capacity"/> slots of <see cref="SlotSize"/> bytes, their lengths and
/// their source addresses. The relay rewrites answers and forwards in place here, so nothing is copied per datagram.
/// </summary>
internal sealed unsafe class ReceiveBatch
{
    /// <summary>Larger than any valid datagram, so an oversize one is seen whole (and dropped) rather than cut to size.</summary>
    public const int SlotSize = 2048;

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly byte[] _buffers;
    private readonly PeerAddress[] _addresses;

    public ReceiveBatch(int capacity)
    {
        Capacity = capacity;
        _buffers = GC.AllocateArray<byte>(capacity * SlotSize, pinned: true);
        _addresses = GC.AllocateArray<PeerAddress>(capacity, pinned: true);
        Lengths = new int[capacity];
        BufferBase = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffers, 0);
        AddressBase = (PeerAddress*)Marshal.UnsafeAddrOfPinnedArrayElement(_addresses, 0);
    }

    public int Capacity { get; }

    public int[] Lengths { get; }

    public byte* BufferBase { get; }

    public PeerAddress* AddressBase { get; }

    public byte* Data(int index) => BufferBase + ((nint)index * SlotSize);

    public Span<byte> Slot(int index) => new(Data(index), SlotSize);
}

/// <summary>One datagram to send: pointers into pinned memory (a receive slot or the notice buffer, and a peer address).</summary>
internal unsafe struct OutgoingDatagram
{
    public byte* Data;
    public int Length;
    public PeerAddress* Address;
}

/// <summary>What one batch sends; flushed by the relay when full and at the end of every batch.</summary>
internal sealed unsafe class SendQueue
{
    private readonly OutgoingDatagram[] _items;

    public SendQueue(int capacity) => _items = new OutgoingDatagram[capacity];

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    public bool IsFull => Count == _items.Length;

    public ref OutgoingDatagram this[int index] => ref _items[index];

    public void Add(byte* data, int length, PeerAddress* address)
    {
        ref var item = ref _items[Count++];
        item.Data = data;
        item.Length = length;
        item.Address = address;
    }

    public void Clear() => Count = 0;
}
