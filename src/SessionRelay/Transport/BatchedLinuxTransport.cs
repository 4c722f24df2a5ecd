using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace GameBackend.SessionRelay.Transport;

/// <summary>
/// recvmmsg / sendmmsg on 64-bit Linux. Why hand-written: .NET's Socket sends and receives one datagram per system
/// call, and at relay rates the system call is most of the cost; batching 64 per call is what lets the C baseline
/// reach its figure, so the relay does the same. The socket is made and bound by .NET (so addresses and options stay
/// portable) and then only ever used through its descriptor here, in blocking mode with SO_RCVTIMEO, so the receive
/// loop wakes up at least every <see cref="ReceiveBatch.PollInterval"/> to run its timers and notice a stop.
/// <c>[LibraryImport]</c> generates the marshalling at compile time, so this stays Native-AOT clean.
/// </summary>
internal sealed unsafe partial class BatchedLinuxTransport : IDatagramTransport
{
    private const int MsgWaitForOne = 0x10000;
    private const int MsgTrunc = 0x20;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int ONonBlock = 0x800;
    private const int EAgain = 11;
    private const int EIntr = 4;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly ReceiveBatch _batch;
    private readonly MMsgHdr* _receiveHeaders;
    private readonly IoVec* _receiveVectors;
    private readonly int _sendCapacity;
    private readonly MMsgHdr* _sendHeaders;
    private readonly IoVec* _sendVectors;
    private bool _disposed;

    public BatchedLinuxTransport(Socket socket, ReceiveBatch batch, int sendCapacity)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _batch = batch;
        _sendCapacity = sendCapacity;
        LocalEndpoint = (IPEndPoint)socket.LocalEndPoint!;

        var flags = fcntl(_fd, FGetFl, 0);
        if (flags >= 0 && (flags & ONonBlock) != 0)
        {
            _ = fcntl(_fd, FSetFl, flags & ~ONonBlock);
        }

        var timeout = new TimeVal { Seconds = 0, Microseconds = (long)ReceiveBatch.PollInterval.TotalMicroseconds };
        if (setsockopt(_fd, SolSocket, SoRcvTimeo, &timeout, (uint)sizeof(TimeVal)) != 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        _receiveHeaders = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)batch.Capacity, (nuint)sizeof(MMsgHdr));
        _receiveVectors = (IoVec*)NativeMemory.AllocZeroed((nuint)batch.Capacity, (nuint)sizeof(IoVec));
        for (var i = 0; i < batch.Capacity; i++)
        {
            _receiveVectors[i].Base = batch.Data(i);
            _receiveVectors[i].Length = ReceiveBatch.SlotSize;
            _receiveHeaders[i].Header.Iov = &_receiveVectors[i];
            _receiveHeaders[i].Header.IovLength = 1;
            _receiveHeaders[i].Header.Name = &batch.AddressBase[i].Bytes;
        }

        _sendHeaders = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)sendCapacity, (nuint)sizeof(MMsgHdr));
        _sendVectors = (IoVec*)NativeMemory.AllocZeroed((nuint)sendCapacity, (nuint)sizeof(IoVec));
        for (var i = 0; i < sendCapacity; i++)
        {
            _sendHeaders[i].Header.Iov = &_sendVectors[i];
            _sendHeaders[i].Header.IovLength = 1;
        }
    }

    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    public IPEndPoint LocalEndpoint { get; }

    public string Name => "batched";

    public int Receive(ReceiveBatch batch)
    {
        for (var i = 0; i < batch.Capacity; i++)
        {
            _receiveHeaders[i].Header.NameLength = AddressBytes.Capacity;
            _receiveHeaders[i].Header.Flags = 0;
        }

        var received = recvmmsg(_fd, _receiveHeaders, (uint)batch.Capacity, MsgWaitForOne, null);
        if (received < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error is EAgain or EIntr || _disposed ? 0 : throw new SocketException(error);
        }

        for (var i = 0; i < received; i++)
        {
            ref var header = ref _receiveHeaders[i];
            batch.Lengths[i] = (header.Header.Flags & MsgTrunc) != 0 ? ReceiveBatch.SlotSize : (int)header.Length;
            batch.AddressBase[i].Length = (int)header.Header.NameLength;
        }

        return received;
    }

    public int Send(SendQueue queue)
    {
        var refused = 0;
        for (var start = 0; start < queue.Count; start += _sendCapacity)
        {
            var count = Math.Min(_sendCapacity, queue.Count - start);
            for (var i = 0; i < count; i++)
            {
                ref var item = ref queue[start + i];
                _sendVectors[i].Base = item.Data;
                _sendVectors[i].Length = (nuint)item.Length;
                _sendHeaders[i].Header.Name = &item.Address->Bytes;
                _sendHeaders[i].Header.NameLength = (uint)item.Address->Length;
            }

            var offset = 0;
            while (offset < count)
            {
                var sent = sendmmsg(_fd, _sendHeaders + offset, (uint)(count - offset), 0);
                if (sent < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EIntr)
                    {
                        continue;
                    }

                    // The first datagram failed (an unroutable address, say): skip it, send the rest.
                    refused++;
                    offset++;
                    continue;
                }

                offset += sent;
            }
        }

        return refused;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _socket.Dispose();
        NativeMemory.Free(_receiveHeaders);
        NativeMemory.Free(_receiveVectors);
        NativeMemory.Free(_sendHeaders);
        NativeMemory.Free(_sendVectors);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int recvmmsg(int fd, MMsgHdr* messages, uint length, int flags, void* timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sendmmsg(int fd, MMsgHdr* messages, uint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
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
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }
}
