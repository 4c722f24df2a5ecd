using System.Net;
using System.Net.Sockets;

namespace GameBackend.SessionRelay.Transport;

/// <summary>
/// The portable transport: one datagram per call through <see cref="Socket"/>'s allocation-free
/// <see cref="SocketAddress"/> overloads. Used where recvmmsg is missing (Windows, macOS, 32-bit) or when asked for.
/// </summary>
internal sealed unsafe class SocketTransport : IDatagramTransport
{
    private readonly Socket _socket;
    private readonly SocketAddress _receiveAddress;
    private readonly SocketAddress _sendAddress;
    private readonly int _pollMicroseconds = (int)ReceiveBatch.PollInterval.TotalMicroseconds;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        LocalEndpoint = (IPEndPoint)socket.LocalEndPoint!;
        _receiveAddress = new SocketAddress(socket.AddressFamily);
        _sendAddress = new SocketAddress(socket.AddressFamily);
    }

    public IPEndPoint LocalEndpoint { get; }

    public string Name => "socket";

    public int Receive(ReceiveBatch batch)
    {
        try
        {
            if (!_socket.Poll(_pollMicroseconds, SelectMode.SelectRead))
            {
                return 0;
            }

            var count = 0;
            do
            {
                var slot = batch.Slot(count);
                _receiveAddress.Size = _receiveAddress.Buffer.Length;
                var length = _socket.ReceiveFrom(slot, SocketFlags.None, _receiveAddress);
                batch.Lengths[count] = length;
                batch.AddressBase[count].CopyFrom(_receiveAddress.Buffer.Span[.._receiveAddress.Size]);
                count++;
            }
            while (count < batch.Capacity && _socket.Available > 0);

            return count;
        }
        catch (SocketException)
        {
            // Windows reports an ICMP port-unreachable for an earlier send as a receive error; nothing to do.
            return 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    public int Send(SendQueue queue)
    {
        var refused = 0;
        for (var i = 0; i < queue.Count; i++)
        {
            ref var item = ref queue[i];
            var address = new ReadOnlySpan<byte>(item.Address, item.Address->Length);
            address.CopyTo(_sendAddress.Buffer.Span);
            _sendAddress.Size = address.Length;
            try
            {
                _socket.SendTo(new ReadOnlySpan<byte>(item.Data, item.Length), SocketFlags.None, _sendAddress);
            }
            catch (SocketException)
            {
                refused++;
            }
        }

        return refused;
    }

    public void Dispose() => _socket.Dispose();
}
