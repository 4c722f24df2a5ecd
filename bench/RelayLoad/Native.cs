using System.Runtime.InteropServices;

namespace RelayLoad;

/// <summary>
/// sendmmsg / recvmmsg / send on connected UDP sockets. The generator must not be the bottleneck it measures, and .NET's
/// Socket costs one system call per datagram, so it batches the way both relays do.
/// </summary>
internal static unsafe partial class Native
{
    public const int MsgDontWait = 0x40;
    public const int EAgain = 11;
    public const int EIntr = 4;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int fd, MMsgHdr* messages, uint length, int flags, void* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(int fd, MMsgHdr* messages, uint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nuint length, int flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}

/// <summary>A fixed set of native buffers and message headers for one batched receive or send on a connected socket.</summary>
internal sealed unsafe class DatagramBatch : IDisposable
{
    public const int SlotSize = 2048;
    private readonly Native.MMsgHdr* _headers;
    private readonly Native.IoVec* _vectors;
    private readonly byte* _data;

    public DatagramBatch(int capacity)
    {
        Capacity = capacity;
        _headers = (Native.MMsgHdr*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(Native.MMsgHdr));
        _vectors = (Native.IoVec*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(Native.IoVec));
        _data = (byte*)NativeMemory.AllocZeroed((nuint)capacity, SlotSize);
        for (var i = 0; i < capacity; i++)
        {
            _vectors[i].Base = _data + (i * SlotSize);
            _vectors[i].Length = SlotSize;
            _headers[i].Header.Iov = &_vectors[i];
            _headers[i].Header.IovLength = 1;
        }
    }

    public int Capacity { get; }

    public Span<byte> Slot(int i) => new(_data + (i * SlotSize), SlotSize);

    public ReadOnlySpan<byte> Received(int i) => new(_data + (i * SlotSize), (int)_headers[i].Length);

    /// <summary>Takes what is queued on <paramref name="fd"/> without waiting; 0 when nothing is.</summary>
    public int ReceiveNow(int fd)
    {
        for (var i = 0; i < Capacity; i++)
        {
            _vectors[i].Length = SlotSize;
            _headers[i].Header.Flags = 0;
        }

        var n = Native.recvmmsg(fd, _headers, (uint)Capacity, Native.MsgDontWait, null);
        return n < 0 ? 0 : n;
    }

    /// <summary>Sends slots 0..count-1, each <paramref name="length"/> bytes long; returns how many the kernel took.</summary>
    public int Send(int fd, int count, int length)
    {
        for (var i = 0; i < count; i++)
        {
            _vectors[i].Length = (nuint)length;
        }

        var offset = 0;
        while (offset < count)
        {
            var n = Native.sendmmsg(fd, _headers + offset, (uint)(count - offset), Native.MsgDontWait);
            if (n <= 0)
            {
                break;
            }

            offset += n;
        }

        return offset;
    }

    public void Dispose()
    {
        NativeMemory.Free(_headers);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_data);
    }
}
