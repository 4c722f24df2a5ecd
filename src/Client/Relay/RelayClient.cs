using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using GameBackend.Client.Internal;

namespace GameBackend.Client.Relay;

/// <summary>
/// One member of a relay session, speaking docs/relay-protocol.md over one UDP socket. Join with the seat of a
/// matched ticket (<see cref="JoinAsync(Assignment, RelayClientOptions?, CancellationToken)"/>), then send to a
/// slot or to everyone and receive what the others send.
/// <para>
/// Receiving runs on a background thread that parses each datagram and queues the payload in a pooled buffer, so
/// a game reads it when it likes: <see cref="TryReceive"/> from its loop (no allocation, no waiting, any thread) or
/// <see cref="ReceiveAsync"/> from async code. Sending writes one preallocated datagram and allocates nothing.
/// Keep-alive pings, round-trip measurement, member tracking and rejoining after a lost connection are automatic.
/// </para>
/// </summary>
public sealed class RelayClient : IDisposable
{
    /// <summary>The largest payload one datagram carries (1187 bytes).</summary>
    public const int MaxPayload = RelayProtocol.MaxPayload;

    /// <summary>The target that sends to every other member.</summary>
    public const int AllMembers = RelayProtocol.AllMembers;

    /// <summary>The relay's idle timeout when it states none (the protocol's default).</summary>
    private static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(15);

    private static readonly double TicksPerSecond = Stopwatch.Frequency;

    private readonly Socket _socket;
    private readonly IPEndPoint _relay;
    private readonly byte[] _join;
    private readonly RelayClientOptions _options;
    private readonly byte[] _sendBuffer = new byte[RelayProtocol.MaxDatagram];
    private readonly object _sendLock = new();
    private readonly byte[] _receiveBuffer = new byte[2048];
    private readonly ArrayPool<byte> _pool;
    private readonly Channel<Packet> _deliveries;
    private readonly Channel<RelayEvent> _events;
    private readonly string?[] _members = new string?[RelayProtocol.MaxSlots];
    private readonly object _membersLock = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<TimeSpan>> _pendingPings = new();
    private readonly TaskCompletionSource<int> _joinAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Timer? _keepAlive;
    private long _connectionId;
    private int _state = (int)RelayState.Joining;
    private int _slot = -1;
    private long _idleTicks = (long)(DefaultIdleTimeout.TotalSeconds * TicksPerSecond);
    private long _keepAliveTicks;
    private int _rateCapDatagrams;
    private long _rateCapBytes;
    private long _lastHeard;
    private long _lastSent;
    private long _lastPingValue;
    private long _lastRoundTrip = -1;
    private long _smoothedRoundTrip = -1;
    private long _datagramsSent;
    private long _datagramsReceived;
    private long _deliveriesReceived;
    private long _deliveriesDropped;
    private long _datagramsIgnored;

    private RelayClient(IPEndPoint relay, ReadOnlySpan<byte> joinToken, RelayClientOptions options)
    {
        _relay = relay;
        _options = options;
        _join = RelayProtocol.CreateJoin(joinToken);
        _pool = ArrayPool<byte>.Create(RelayProtocol.MaxDatagram, options.ReceiveQueueCapacity + 16);
        _deliveries = Channel.CreateBounded<Packet>(
            new BoundedChannelOptions(options.ReceiveQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleWriter = true,
                AllowSynchronousContinuations = false,
            },
            OnDeliveryDropped);
        _events = Channel.CreateUnbounded<RelayEvent>(new UnboundedChannelOptions { SingleWriter = false, AllowSynchronousContinuations = false });

        // One connected socket for the whole session: the endpoint is part of the member's identity, and a connected
        // UDP socket only hands us datagrams from the relay's address and port.
        _socket = new Socket(relay.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = 1 << 18;
            _socket.Connect(relay);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public RelayState State => (RelayState)Volatile.Read(ref _state);

    /// <summary>This member's slot in the session (from JOINED).</summary>
    public int Slot => Volatile.Read(ref _slot);

    /// <summary>The relay's address and port.</summary>
    public IPEndPoint RelayEndPoint => _relay;

    /// <summary>A member silent for this long is removed by the relay (from JOINED).</summary>
    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(Interlocked.Read(ref _idleTicks) / TicksPerSecond);

    /// <summary>Datagrams per second the relay lets this member send (0 = no cap); over it, datagrams are dropped.</summary>
    public int RateCapDatagramsPerSecond => Volatile.Read(ref _rateCapDatagrams);

    /// <summary>Bytes per second the relay lets this member send (0 = no cap).</summary>
    public long RateCapBytesPerSecond => Interlocked.Read(ref _rateCapBytes);

    /// <summary>The round-trip time of the latest PONG.</summary>
    public TimeSpan? LastRoundTrip => Ticks(Interlocked.Read(ref _lastRoundTrip));

    /// <summary>The smoothed round-trip time (RFC 6298's 7/8 average), from keep-alive pings and <see cref="PingAsync"/>.</summary>
    public TimeSpan? SmoothedRoundTrip => Ticks(Interlocked.Read(ref _smoothedRoundTrip));

    /// <summary>The other members now in the session, by slot (a copy: allocates, so not every frame).</summary>
    public IReadOnlyList<RelayMember> Members
    {
        get
        {
            var members = new List<RelayMember>();
            lock (_membersLock)
            {
                for (var slot = 0; slot < _members.Length; slot++)
                {
                    if (_members[slot] is { } playerId)
                    {
                        members.Add(new RelayMember(slot, playerId));
                    }
                }
            }

            return members;
        }
    }

    public RelayStatistics Statistics => new(
        Interlocked.Read(ref _datagramsSent),
        Interlocked.Read(ref _datagramsReceived),
        Interlocked.Read(ref _deliveriesReceived),
        Interlocked.Read(ref _deliveriesDropped),
        Interlocked.Read(ref _datagramsIgnored),
        LastRoundTrip,
        SmoothedRoundTrip);

    /// <summary>Joins the session of a matched ticket's assignment with the caller's seat (the one seat a player sees).</summary>
    public static Task<RelayClient> JoinAsync(Assignment assignment, RelayClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(assignment, nameof(assignment));
        if (assignment.Seats.Count == 0)
        {
            throw new ArgumentException("The assignment has no seat.", nameof(assignment));
        }

        return JoinAsync(assignment.RelayEndpoint, assignment.Seats[0].JoinToken, options, cancellationToken);
    }

    /// <summary>Joins with an assignment's <c>relayEndpoint</c> (host:port) and a seat's <c>joinToken</c> (base64url).</summary>
    public static async Task<RelayClient> JoinAsync(string relayEndpoint, string joinToken, RelayClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotEmpty(relayEndpoint, nameof(relayEndpoint));
        Guard.NotEmpty(joinToken, nameof(joinToken));
        byte[] token;
        try
        {
            token = Base64UrlText.Decode(joinToken);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The join token is not base64url.", nameof(joinToken), e);
        }

        var endpoint = await RelayEndpoint.ResolveAsync(relayEndpoint, cancellationToken).ConfigureAwait(false);
        return await JoinAsync(endpoint, token, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Joins the relay at <paramref name="relay"/> with a decoded 98-byte join token: sends JOIN and waits
    /// <see cref="RelayClientOptions.JoinRetryInterval"/> for JOINED or REFUSED, up to
    /// <see cref="RelayClientOptions.JoinAttempts"/> times. Throws <see cref="RelayJoinException"/> when refused or unanswered.
    /// </summary>
    public static async Task<RelayClient> JoinAsync(IPEndPoint relay, byte[] joinToken, RelayClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(relay, nameof(relay));
        Guard.NotNull(joinToken, nameof(joinToken));
        if (joinToken.Length != RelayProtocol.JoinTokenLength)
        {
            throw new ArgumentException($"A join token is {RelayProtocol.JoinTokenLength} bytes.", nameof(joinToken));
        }

        options ??= new RelayClientOptions();
        options.Validate();
        var client = new RelayClient(relay, joinToken, options);
        try
        {
            await client.JoinCoreAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="payload"/> to the member in <paramref name="slot"/> (0–63). False when the datagram could not be sent.</summary>
    public bool Send(int slot, ReadOnlySpan<byte> payload)
    {
        if ((uint)slot >= RelayProtocol.MaxSlots)
        {
            throw new ArgumentOutOfRangeException(nameof(slot), slot, "A slot is 0–63; use SendToAll for every member.");
        }

        return SendData((byte)slot, payload);
    }

    /// <summary>Sends <paramref name="payload"/> to every other member.</summary>
    public bool SendToAll(ReadOnlySpan<byte> payload) => SendData(RelayProtocol.AllMembers, payload);

    /// <summary>
    /// Copies the oldest received payload into <paramref name="destination"/>, without waiting or allocating; false
    /// when nothing is queued. The destination must hold the payload (<see cref="MaxPayload"/> always does); a
    /// payload that does not fit throws and is dropped.
    /// </summary>
    public bool TryReceive(Span<byte> destination, out RelayDelivery delivery)
    {
        if (!_deliveries.Reader.TryRead(out var packet))
        {
            delivery = default;
            return false;
        }

        delivery = CopyOut(packet, destination);
        return true;
    }

    /// <summary>Waits for the next received payload and copies it into <paramref name="destination"/>.</summary>
    public async ValueTask<RelayDelivery> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Packet packet;
        try
        {
            packet = await _deliveries.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException("The relay client has left the session.", e);
        }

        return CopyOut(packet, destination.Span);
    }

    /// <summary>The oldest session event not yet read (members joining and leaving, closing, lost, rejoined); no waiting.</summary>
    public bool TryGetEvent(out RelayEvent relayEvent) => _events.Reader.TryRead(out relayEvent);

    /// <summary>Waits for the next session event.</summary>
    public async ValueTask<RelayEvent> NextEventAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException("The relay client has left the session.", e);
        }
    }

    /// <summary>
    /// Measures the round trip to the relay: a PING carrying this client's clock, timed when its PONG returns. Null
    /// when no PONG came within <paramref name="timeout"/> (1 s by default): UDP loses datagrams.
    /// </summary>
    public async Task<TimeSpan?> PingAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var value = NextPingValue();
        var answer = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingPings[value] = answer;
        try
        {
            if (!SendPing(value))
            {
                return null;
            }

            var done = await Task.WhenAny(answer.Task, Task.Delay(timeout ?? TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return done == answer.Task && answer.Task.Status == TaskStatus.RanToCompletion ? answer.Task.Result : null;
        }
        finally
        {
            _pendingPings.TryRemove(value, out _);
        }
    }

    /// <summary>Sends JOIN again: the relay answers with the current member list (and the game gets events for any change).</summary>
    public void RefreshMembers()
    {
        if (State is RelayState.Joined or RelayState.Lost)
        {
            SendRaw(_join, _join.Length);
        }
    }

    /// <summary>
    /// Leaves the session: LEAVE goes out three times (it is not answered and may be lost; the relay's idle timeout
    /// covers the rest), then the socket closes. Queued payloads and events can no longer be read.
    /// </summary>
    public void Leave()
    {
        var previous = (RelayState)Interlocked.Exchange(ref _state, (int)RelayState.Left);
        if (previous == RelayState.Left)
        {
            return;
        }

        _keepAlive?.Dispose();
        if (previous is RelayState.Joined or RelayState.Lost)
        {
            lock (_sendLock)
            {
                RelayProtocol.WriteHeader(_sendBuffer, RelayProtocol.Leave);
                RelayProtocol.WriteConnectionId(_sendBuffer.AsSpan(4), Interlocked.Read(ref _connectionId));
                for (var i = 0; i < 3; i++)
                {
                    SendRaw(_sendBuffer, RelayProtocol.LeaveLength);
                }
            }
        }

        _deliveries.Writer.TryComplete();
        _events.Writer.TryComplete();
        _joinAnswer.TrySetCanceled();
        foreach (var pending in _pendingPings.Values)
        {
            pending.TrySetCanceled();
        }

        _socket.Dispose();
    }

    /// <summary>Leaves the session (see <see cref="Leave"/>).</summary>
    public void Dispose() => Leave();

    private static TimeSpan? Ticks(long ticks) => ticks < 0 ? null : TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static bool IsTerminal(RelayRefusal refusal) =>
        refusal is RelayRefusal.Expired or RelayRefusal.SlotTaken or RelayRefusal.Draining or RelayRefusal.BadSlot;

    private async Task JoinCoreAsync(CancellationToken cancellationToken)
    {
        var receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "GameBackend relay receive" };
        receiver.Start();
        for (var attempt = 0; attempt < _options.JoinAttempts && !_joinAnswer.Task.IsCompleted; attempt++)
        {
            SendRaw(_join, _join.Length);
            await Task.WhenAny(_joinAnswer.Task, Task.Delay(_options.JoinRetryInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (!_joinAnswer.Task.IsCompleted)
        {
            throw new RelayJoinException($"No answer from the relay at {_relay} after {_options.JoinAttempts} JOINs: unreachable, another protocol version, or it does not serve this title.");
        }

        var refusal = (RelayRefusal)await _joinAnswer.Task.ConfigureAwait(false);
        if (refusal != RelayRefusal.None)
        {
            throw new RelayJoinException(refusal, $"The relay refused the join: {refusal}.");
        }

        var interval = _options.KeepAliveInterval ?? TimeSpan.FromSeconds(Interlocked.Read(ref _idleTicks) / TicksPerSecond / 6);
        if (interval < TimeSpan.FromMilliseconds(50))
        {
            interval = TimeSpan.FromMilliseconds(50);
        }

        Interlocked.Exchange(ref _keepAliveTicks, (long)(interval.TotalSeconds * TicksPerSecond));
        var timer = new Timer(static state => ((RelayClient)state!).OnKeepAlive(), this, interval, interval);
        if (Interlocked.CompareExchange(ref _keepAlive, timer, null) is not null || State == RelayState.Left)
        {
            timer.Dispose();
        }
    }

    private bool SendData(byte target, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentException($"A payload is at most {MaxPayload} bytes.", nameof(payload));
        }

        var state = State;
        if (state == RelayState.Left)
        {
            throw new ObjectDisposedException(nameof(RelayClient), "The relay client has left the session.");
        }

        if (state is not (RelayState.Joined or RelayState.Lost))
        {
            return false;
        }

        lock (_sendLock)
        {
            RelayProtocol.WriteHeader(_sendBuffer, RelayProtocol.Data);
            RelayProtocol.WriteConnectionId(_sendBuffer.AsSpan(4), Interlocked.Read(ref _connectionId));
            _sendBuffer[12] = target;
            payload.CopyTo(_sendBuffer.AsSpan(RelayProtocol.DataHeaderLength));
            return SendRaw(_sendBuffer, RelayProtocol.DataHeaderLength + payload.Length);
        }
    }

    private bool SendPing(long value)
    {
        if (State is not (RelayState.Joined or RelayState.Lost))
        {
            return false;
        }

        lock (_sendLock)
        {
            RelayProtocol.WriteHeader(_sendBuffer, RelayProtocol.Ping);
            RelayProtocol.WriteConnectionId(_sendBuffer.AsSpan(4), Interlocked.Read(ref _connectionId));
            BinaryPrimitives.WriteInt64BigEndian(_sendBuffer.AsSpan(12), value);
            return SendRaw(_sendBuffer, RelayProtocol.PingLength);
        }
    }

    private bool SendRaw(byte[] datagram, int length)
    {
        try
        {
            _socket.Send(datagram, 0, length, SocketFlags.None);
            Interlocked.Exchange(ref _lastSent, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _datagramsSent);
            return true;
        }
        catch (SocketException)
        {
            // ICMP "port unreachable" from an earlier datagram surfaces here on some platforms; UDP is best effort.
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>A ping value is this client's clock, made unique so concurrent pings never share a PONG.</summary>
    private long NextPingValue()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastPingValue);
            var now = Stopwatch.GetTimestamp();
            var value = now > last ? now : last + 1;
            if (Interlocked.CompareExchange(ref _lastPingValue, value, last) == last)
            {
                return value;
            }
        }
    }

    private void OnKeepAlive()
    {
        var state = State;
        if (state is RelayState.Left or RelayState.Closed or RelayState.Joining)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (state == RelayState.Joined && now - Interlocked.Read(ref _lastHeard) > Interlocked.Read(ref _idleTicks))
        {
            if (Interlocked.CompareExchange(ref _state, (int)RelayState.Lost, (int)RelayState.Joined) == (int)RelayState.Joined)
            {
                Publish(new RelayEvent(RelayEventKind.Lost, -1, null, 0, 0));
            }

            state = RelayState.Lost;
        }

        if (state == RelayState.Lost)
        {
            // The relay has (or will have) timed this member out: join again with the token while it is valid.
            SendRaw(_join, _join.Length);
            return;
        }

        if (now - Interlocked.Read(ref _lastSent) >= Interlocked.Read(ref _keepAliveTicks))
        {
            SendPing(NextPingValue());
        }
    }

    private void ReceiveLoop()
    {
        var buffer = _receiveBuffer;
        while (State != RelayState.Left)
        {
            int length;
            try
            {
                // Poll first, so the thread notices a Leave within a quarter second on every runtime (Mono too).
                if (!_socket.Poll(250_000, SelectMode.SelectRead))
                {
                    continue;
                }

                length = _socket.Receive(buffer, 0, buffer.Length, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                continue; // ICMP from a relay not listening (yet), or an oversized datagram: neither ends the session
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _datagramsReceived);
            if (length > RelayProtocol.MaxDatagram || !Handle(buffer.AsSpan(0, length)))
            {
                Interlocked.Increment(ref _datagramsIgnored);
            }
        }
    }

    /// <summary>Parses one datagram from the relay; false when it is malformed or not expected now (ignored, never answered).</summary>
    private bool Handle(ReadOnlySpan<byte> datagram)
    {
        var handled = RelayProtocol.TypeOf(datagram) switch
        {
            RelayProtocol.Joined => OnJoined(datagram),
            RelayProtocol.Refused => OnRefused(datagram),
            RelayProtocol.Deliver => OnDeliver(datagram),
            RelayProtocol.Pong => OnPong(datagram),
            RelayProtocol.MemberJoined => OnMemberJoined(datagram),
            RelayProtocol.MemberLeft => OnMemberLeft(datagram),
            RelayProtocol.Closing => OnClosing(datagram),
            _ => false,
        };
        if (handled)
        {
            Interlocked.Exchange(ref _lastHeard, Stopwatch.GetTimestamp());
        }

        return handled;
    }

    private bool OnJoined(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < RelayProtocol.JoinedFixedLength)
        {
            return false;
        }

        int others = datagram[13];
        int slot = datagram[12];
        if (datagram.Length != RelayProtocol.JoinedFixedLength + (RelayProtocol.JoinedMemberLength * others)
            || others >= RelayProtocol.MaxSlots || slot >= RelayProtocol.MaxSlots || State is RelayState.Left or RelayState.Closed)
        {
            return false;
        }

        var members = new string?[RelayProtocol.MaxSlots];
        for (var i = 0; i < others; i++)
        {
            var entry = datagram.Slice(RelayProtocol.JoinedFixedLength + (i * RelayProtocol.JoinedMemberLength), RelayProtocol.JoinedMemberLength);
            if (entry[0] >= RelayProtocol.MaxSlots)
            {
                return false;
            }

            members[entry[0]] = RelayProtocol.FormatId(entry.Slice(1, 16));
        }

        var idleSeconds = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(14, 2));
        var idle = idleSeconds > 0 ? TimeSpan.FromSeconds(idleSeconds) : DefaultIdleTimeout;
        Interlocked.Exchange(ref _idleTicks, (long)(idle.TotalSeconds * TicksPerSecond));
        Volatile.Write(ref _rateCapDatagrams, BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(16, 2)));
        Interlocked.Exchange(ref _rateCapBytes, BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(18, 4)));
        Interlocked.Exchange(ref _connectionId, RelayProtocol.ReadConnectionId(datagram.Slice(4, RelayProtocol.ConnectionIdLength)));
        Volatile.Write(ref _slot, slot);

        var first = !_joinAnswer.Task.IsCompleted;
        lock (_membersLock)
        {
            for (var s = 0; s < RelayProtocol.MaxSlots; s++)
            {
                var before = _members[s];
                var after = members[s];
                if (before == after)
                {
                    continue;
                }

                _members[s] = after;
                if (first)
                {
                    continue; // the first member list is Members, not a stream of joins
                }

                if (before is not null)
                {
                    Publish(new RelayEvent(RelayEventKind.MemberLeft, s, before, 0, 0));
                }

                if (after is not null)
                {
                    Publish(new RelayEvent(RelayEventKind.MemberJoined, s, after, 0, 0));
                }
            }
        }

        var previous = (RelayState)Interlocked.CompareExchange(ref _state, (int)RelayState.Joined, (int)RelayState.Lost);
        if (previous == RelayState.Lost)
        {
            Publish(new RelayEvent(RelayEventKind.Rejoined, slot, null, 0, 0));
        }
        else
        {
            Interlocked.CompareExchange(ref _state, (int)RelayState.Joined, (int)RelayState.Joining);
        }

        _joinAnswer.TrySetResult(0);
        return true;
    }

    private bool OnRefused(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length != RelayProtocol.RefusedLength)
        {
            return false;
        }

        var refusal = (RelayRefusal)datagram[4];
        if (!_joinAnswer.Task.IsCompleted)
        {
            _joinAnswer.TrySetResult(refusal == RelayRefusal.None ? byte.MaxValue : (int)refusal);
            return true;
        }

        // A rejoin (or a member-list refresh) was refused. Lost for good when the reason is final.
        Publish(new RelayEvent(RelayEventKind.RejoinRefused, -1, null, (int)refusal, 0));
        if (IsTerminal(refusal))
        {
            Interlocked.CompareExchange(ref _state, (int)RelayState.Closed, (int)RelayState.Lost);
        }

        return true;
    }

    private bool OnDeliver(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < RelayProtocol.DeliverHeaderLength || datagram.Length > RelayProtocol.DeliverHeaderLength + MaxPayload
            || datagram[4] >= RelayProtocol.MaxSlots || State is not (RelayState.Joined or RelayState.Lost))
        {
            return false;
        }

        var payload = datagram.Slice(RelayProtocol.DeliverHeaderLength);
        var buffer = _pool.Rent(MaxPayload);
        payload.CopyTo(buffer);
        if (!_deliveries.Writer.TryWrite(new Packet(buffer, payload.Length, datagram[4])))
        {
            _pool.Return(buffer);
            return false;
        }

        Interlocked.Increment(ref _deliveriesReceived);
        return true;
    }

    private bool OnPong(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length != RelayProtocol.PongLength)
        {
            return false;
        }

        var value = BinaryPrimitives.ReadInt64BigEndian(datagram.Slice(4, 8));
        var roundTrip = Stopwatch.GetTimestamp() - value;
        if (roundTrip < 0 || roundTrip > 60 * Stopwatch.Frequency)
        {
            return false; // not a value this client sent
        }

        Interlocked.Exchange(ref _lastRoundTrip, roundTrip);
        var smoothed = Interlocked.Read(ref _smoothedRoundTrip);
        Interlocked.Exchange(ref _smoothedRoundTrip, smoothed < 0 ? roundTrip : smoothed + ((roundTrip - smoothed) / 8));
        if (_pendingPings.TryRemove(value, out var pending))
        {
            pending.TrySetResult(TimeSpan.FromSeconds(roundTrip / TicksPerSecond));
        }

        return true;
    }

    private bool OnMemberJoined(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length != RelayProtocol.MemberJoinedLength || datagram[4] >= RelayProtocol.MaxSlots)
        {
            return false;
        }

        int slot = datagram[4];
        var playerId = RelayProtocol.FormatId(datagram.Slice(5, 16));
        lock (_membersLock)
        {
            _members[slot] = playerId;
        }

        Publish(new RelayEvent(RelayEventKind.MemberJoined, slot, playerId, 0, 0));
        return true;
    }

    private bool OnMemberLeft(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length != RelayProtocol.MemberLeftLength || datagram[4] >= RelayProtocol.MaxSlots)
        {
            return false;
        }

        int slot = datagram[4];
        string? playerId;
        lock (_membersLock)
        {
            playerId = _members[slot];
            _members[slot] = null;
        }

        Publish(new RelayEvent(RelayEventKind.MemberLeft, slot, playerId, datagram[5], 0));
        return true;
    }

    private bool OnClosing(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length != RelayProtocol.ClosingLength)
        {
            return false;
        }

        var seconds = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(5, 2));
        Publish(new RelayEvent(RelayEventKind.Closing, -1, null, datagram[4], seconds));
        if (seconds == 0)
        {
            var state = State;
            if (state is RelayState.Joined or RelayState.Lost)
            {
                Interlocked.CompareExchange(ref _state, (int)RelayState.Closed, (int)state);
            }
        }

        return true;
    }

    private void Publish(RelayEvent relayEvent) => _events.Writer.TryWrite(relayEvent);

    private RelayDelivery CopyOut(Packet packet, Span<byte> destination)
    {
        try
        {
            if (destination.Length < packet.Length)
            {
                throw new ArgumentException($"The destination holds {destination.Length} bytes; the payload has {packet.Length}.", nameof(destination));
            }

            packet.Buffer.AsSpan(0, packet.Length).CopyTo(destination);
            return new RelayDelivery(packet.FromSlot, packet.Length);
        }
        finally
        {
            _pool.Return(packet.Buffer);
        }
    }

    private void OnDeliveryDropped(Packet packet)
    {
        _pool.Return(packet.Buffer);
        Interlocked.Increment(ref _deliveriesDropped);
    }

    private readonly struct Packet
    {
        public Packet(byte[] buffer, int length, byte fromSlot)
        {
            Buffer = buffer;
            Length = length;
            FromSlot = fromSlot;
        }

        public byte[] Buffer { get; }

        public int Length { get; }

        public byte FromSlot { get; }
    }
}
