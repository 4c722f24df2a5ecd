using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GameBackend.Core.Sessions;
using GameBackend.SessionRelay.Transport;

namespace GameBackend.SessionRelay;

/// <summary>
/// The relay's state and its per-datagram work, driven by one receive loop thread (as the C baseline is): a single
/// writer needs no locks, and one core saturates the loopback long before lock-free sharding would pay off on the
/// two-core machines a relay runs on. Everything the hot path touches is preallocated: members live in a pinned
/// struct array (the kernel reads their addresses straight from it), sessions in a struct array, lookups are
/// dictionaries of value types sized at start, answers are written in place over the datagram they answer.
/// </summary>
internal sealed unsafe class RelayEngine
{
    private readonly RelayOptions _options;
    private readonly RelayKeyRing _keys;
    private readonly TimeProvider _time;
    private readonly RelayMetrics _metrics;
    private readonly TitleLoads _loads;
    private readonly ConcurrentQueue<SessionLifecycleEvent> _events;
    private readonly Action<UInt128> _keyMiss;
    private readonly SendQueue _send;

    private readonly Member[] _members;
    private readonly Member* _memberBase;
    private readonly int[] _freeMembers;
    private int _freeMemberCount;
    private int _memberHighWater;
    private readonly Dictionary<ulong, int> _byConnection;

    private readonly Session[] _sessions;
    private readonly int[] _slotMembers;
    private readonly int[] _freeSessions;
    private int _freeSessionCount;
    private int _sessionHighWater;
    private readonly Dictionary<UInt128, int> _bySession;

    private readonly byte[] _notices;
    private readonly byte* _noticeBase;
    private int _noticeUsed;

    private readonly long _idleTicks;
    private readonly long _maxSessionTicks;
    private readonly double _packetsPerTick;
    private readonly double _bytesPerTick;
    private readonly double _packetBurst;
    private readonly double _byteBurst;
    private readonly long _ticksPerSecond;
    private readonly long _keyMissInterval;
    private readonly JoinBucket[] _joinBuckets;
    private readonly double _joinsPerTick;
    private readonly double _joinBurst;
    private long _nextKeyMissAt;
    private long _now;

    private bool _draining;
    private long _drainDeadline;
    private long _drainAcceptUntil;

    public RelayEngine(
        RelayOptions options,
        RelayKeyRing keys,
        TimeProvider time,
        RelayMetrics metrics,
        TitleLoads loads,
        ConcurrentQueue<SessionLifecycleEvent> events,
        Action<UInt128> keyMiss,
        int sendCapacity)
    {
        _options = options;
        _keys = keys;
        _time = time;
        _metrics = metrics;
        _loads = loads;
        _events = events;
        _keyMiss = keyMiss;
        _send = new SendQueue(sendCapacity);

        _members = GC.AllocateArray<Member>(options.MaxMembers, pinned: true);
        _memberBase = (Member*)Marshal.UnsafeAddrOfPinnedArrayElement(_members, 0);
        _freeMembers = new int[options.MaxMembers];
        for (var i = 0; i < options.MaxMembers; i++)
        {
            _freeMembers[i] = options.MaxMembers - 1 - i;
        }

        _freeMemberCount = options.MaxMembers;
        _byConnection = new Dictionary<ulong, int>(options.MaxMembers);

        _sessions = new Session[options.MaxSessions];
        _slotMembers = new int[options.MaxSessions * RelayProtocol.MaxSlots];
        _freeSessions = new int[options.MaxSessions];
        for (var i = 0; i < options.MaxSessions; i++)
        {
            _freeSessions[i] = options.MaxSessions - 1 - i;
        }

        _freeSessionCount = options.MaxSessions;
        _bySession = new Dictionary<UInt128, int>(options.MaxSessions);

        _notices = GC.AllocateArray<byte>(64 * 1024, pinned: true);
        _noticeBase = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_notices, 0);

        _ticksPerSecond = time.TimestampFrequency;
        _idleTicks = (long)(options.IdleTimeoutSeconds * _ticksPerSecond);
        _maxSessionTicks = (long)(options.MaxSessionSeconds * _ticksPerSecond);
        _packetsPerTick = options.MemberPacketsPerSecond / (double)_ticksPerSecond;
        _bytesPerTick = options.MemberBytesPerSecond / (double)_ticksPerSecond;
        _packetBurst = options.MemberPacketsPerSecond;
        _byteBurst = options.MemberBytesPerSecond;
        _keyMissInterval = _ticksPerSecond / 10;
        _joinBuckets = new JoinBucket[JoinBucketCount];
        _joinsPerTick = options.JoinsPerSecondPerAddress / (double)_ticksPerSecond;
        _joinBurst = options.JoinsPerSecondPerAddress;
    }

    /// <summary>Buckets of the per-address JOIN cap: addresses hash into a fixed table, so a flood from many addresses costs no memory.</summary>
    internal const int JoinBucketCount = 1 << JoinBucketBits;

    private const int JoinBucketBits = 12;

    /// <summary>
    /// The JOIN-cap bucket of a source: its IPv4 address, or the /64 prefix of its IPv6 address (one host gets a whole
    /// /64, so a finer key would let it rotate addresses for free). The port is left out: a flooder picks ports at will.
    /// Unkeyed on purpose: whoever can spoof a victim's address can drain the victim's bucket directly, so a secret seed
    /// would protect nothing.
    /// </summary>
    internal static int JoinBucketOf(in PeerAddress address)
    {
        ref var bytes = ref Unsafe.As<AddressBytes, byte>(ref Unsafe.AsRef(in address.Bytes));
        var key = address.Length <= 16
            ? Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, 4))
            : Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, 8));
        return (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - JoinBucketBits));
    }

    public SendQueue Outgoing => _send;

    public bool Draining => _draining;

    /// <summary>Draining, and past the window in which new sessions are still taken: an empty relay may stop now.</summary>
    public bool MayStopWhenEmpty => _draining && _now >= _drainAcceptUntil;

    public int SessionCount => _bySession.Count;

    /// <summary>Set by the loop before each batch: one clock read per batch, not per datagram.</summary>
    public void SetNow(long timestamp) => _now = timestamp;

    /// <summary>Handles one received datagram. Whatever it answers or forwards is queued in <see cref="Outgoing"/>.</summary>
    public void Process(byte* datagram, int length, PeerAddress* from)
    {
        _metrics.PacketsInCount++;
        _metrics.BytesInCount += length;

        // Every client → relay type is at least 12 bytes; one compare settles magic and version.
        if (length < RelayProtocol.LeaveLength || length > RelayProtocol.MaxDatagram
            || datagram[0] != RelayProtocol.Magic0 || datagram[1] != RelayProtocol.Magic1 || datagram[2] != RelayProtocol.Version)
        {
            Drop(DropReason.Malformed);
            return;
        }

        switch (datagram[3])
        {
            case RelayProtocol.Data when length >= RelayProtocol.DataHeaderLength:
                HandleData(datagram, length, from);
                break;
            case RelayProtocol.Ping when length == RelayProtocol.PingLength:
                HandlePing(datagram, length, from);
                break;
            case RelayProtocol.Leave when length == RelayProtocol.LeaveLength:
                HandleLeave(datagram, length, from);
                break;
            case RelayProtocol.Join when length == RelayProtocol.JoinLength:
                HandleJoin(datagram, from);
                break;
            default:
                Drop(DropReason.Malformed);
                break;
        }
    }

    private void HandleData(byte* datagram, int length, PeerAddress* from)
    {
        if (!Authenticate(datagram, length, from, out var memberIndex))
        {
            return;
        }

        ref var member = ref _memberBase[memberIndex];
        var target = datagram[12];
        var slot = member.Slot;
        var slotBase = member.Session * RelayProtocol.MaxSlots;
        var occupied = _sessions[member.Session].Occupied;

        // DELIVER is the DATA from offset 8 with a new header and the sender's slot where the target was.
        var deliver = datagram + RelayProtocol.DeliverOffsetInData;
        var deliverLength = length - RelayProtocol.DeliverOffsetInData;
        if (target == RelayProtocol.AllMembers)
        {
            var others = occupied & ~(1UL << slot);
            if (others == 0)
            {
                return;
            }

            WriteDeliverHeader(deliver, slot);
            while (others != 0)
            {
                var to = BitOperations.TrailingZeroCount(others);
                others &= others - 1;
                Enqueue(deliver, deliverLength, &_memberBase[_slotMembers[slotBase + to]].Address);
            }
        }
        else if (target < RelayProtocol.MaxSlots && target != slot && (occupied & (1UL << target)) != 0)
        {
            WriteDeliverHeader(deliver, slot);
            Enqueue(deliver, deliverLength, &_memberBase[_slotMembers[slotBase + target]].Address);
        }
        else
        {
            Drop(DropReason.NoSuchTarget);
        }
    }

    private void HandlePing(byte* datagram, int length, PeerAddress* from)
    {
        if (!Authenticate(datagram, length, from, out _))
        {
            return;
        }

        // PONG is the PING from offset 8: a new header, then the client's 8 bytes already in place.
        var pong = datagram + RelayProtocol.PongOffsetInPing;
        WriteHeader(pong, RelayProtocol.Pong);
        Enqueue(pong, RelayProtocol.PongLength, from);
    }

    private void HandleLeave(byte* datagram, int length, PeerAddress* from)
    {
        if (Authenticate(datagram, length, from, out var memberIndex))
        {
            RemoveMember(memberIndex, MemberLeftReason.Left);
        }
    }

    /// <summary>Connection id known, from the endpoint that joined, within the member's rate caps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Authenticate(byte* datagram, int length, PeerAddress* from, out int memberIndex)
    {
        var connectionId = Unsafe.ReadUnaligned<ulong>(datagram + RelayProtocol.HeaderLength);
        if (!_byConnection.TryGetValue(connectionId, out memberIndex))
        {
            Drop(DropReason.UnknownConnection);
            return false;
        }

        ref var member = ref _memberBase[memberIndex];
        if (!member.Address.SameAs(in *from))
        {
            Drop(DropReason.WrongEndpoint);
            return false;
        }

        if (!TakeTokens(ref member, length))
        {
            Drop(DropReason.RateLimited);
            return false;
        }

        member.LastSeen = _now;
        return true;
    }

    private bool TakeJoinToken(PeerAddress* from)
    {
        ref var bucket = ref _joinBuckets[JoinBucketOf(in *from)];
        bucket.Tokens = Math.Min(_joinBurst, bucket.Tokens + ((_now - bucket.LastRefill) * _joinsPerTick));
        bucket.LastRefill = _now;
        if (bucket.Tokens < 1)
        {
            return false;
        }

        bucket.Tokens -= 1;
        return true;
    }

    private bool TakeTokens(ref Member member, int length)
    {
        var elapsed = _now - member.LastRefill;
        member.LastRefill = _now;
        if (_packetBurst > 0)
        {
            member.PacketTokens = Math.Min(_packetBurst, member.PacketTokens + (elapsed * _packetsPerTick));
            if (member.PacketTokens < 1)
            {
                return false;
            }
        }

        if (_byteBurst > 0)
        {
            member.ByteTokens = Math.Min(_byteBurst, member.ByteTokens + (elapsed * _bytesPerTick));
            if (member.ByteTokens < length)
            {
                return false;
            }

            member.ByteTokens -= length;
        }

        if (_packetBurst > 0)
        {
            member.PacketTokens -= 1;
        }

        return true;
    }

    private void HandleJoin(byte* datagram, PeerAddress* from)
    {
        if (_joinBurst > 0 && !TakeJoinToken(from))
        {
            Drop(DropReason.JoinRateLimited);
            return;
        }

        var token = new ReadOnlySpan<byte>(datagram + RelayProtocol.JoinTokenOffset, JoinToken.Length);
        if (token[0] != JoinToken.Version)
        {
            Drop(DropReason.Malformed);
            return;
        }

        if (!_keys.TryGetSecret(token, out var secret))
        {
            Drop(DropReason.UnknownKey);
            if (_now >= _nextKeyMissAt)
            {
                // At most ten a second, however many forged titles arrive: a miss asks the control plane for keys.
                _nextKeyMissAt = _now + _keyMissInterval;
                _keyMiss(RelayKeyRing.ReadTitle(token));
            }

            return;
        }

        // One HMAC and nothing allocated, authentic or not.
        switch (JoinTokenCheck.Verify(token, secret, _time.GetUtcNow().ToUnixTimeSeconds()))
        {
            case JoinTokenFailure.None:
                break;
            case JoinTokenFailure.Expired:
                Refuse(datagram, from, RefusalReason.Expired);
                return;
            case JoinTokenFailure.BadSignature:
                Drop(DropReason.BadSignature);
                return;
            default:
                Drop(DropReason.Malformed);
                return;
        }

        var slot = token[57];
        if (slot >= RelayProtocol.MaxSlots)
        {
            Refuse(datagram, from, RefusalReason.BadSlot);
            return;
        }

        var titleId = RelayKeyRing.ReadTitle(token);
        var sessionId = BinaryPrimitives.ReadUInt128BigEndian(token.Slice(25, 16));
        var playerId = BinaryPrimitives.ReadUInt128BigEndian(token.Slice(41, 16));

        if (_bySession.TryGetValue(sessionId, out var sessionIndex))
        {
            if (_sessions[sessionIndex].TitleId != titleId)
            {
                Drop(DropReason.TitleMismatch);
                return;
            }

            ref var session = ref _sessions[sessionIndex];
            if ((session.Occupied & (1UL << slot)) != 0)
            {
                var holderIndex = _slotMembers[(sessionIndex * RelayProtocol.MaxSlots) + slot];
                ref var holder = ref _memberBase[holderIndex];
                if (holder.PlayerId != playerId)
                {
                    Refuse(datagram, from, RefusalReason.SlotTaken);
                }
                else if (!holder.Address.SameAs(in *from))
                {
                    Refuse(datagram, from, RefusalReason.SlotInUse);
                }
                else
                {
                    // A retry whose JOINED was lost, or a refresh of the member list: same connection id again.
                    holder.LastSeen = _now;
                    WriteJoined(datagram, from, holderIndex);
                }

                return;
            }

            if (_freeMemberCount == 0)
            {
                Refuse(datagram, from, RefusalReason.Full);
                return;
            }
        }
        else
        {
            if (_draining && _now >= _drainAcceptUntil)
            {
                Refuse(datagram, from, RefusalReason.Draining);
                return;
            }

            if (_freeSessionCount == 0 || _freeMemberCount == 0)
            {
                Refuse(datagram, from, RefusalReason.Full);
                return;
            }

            sessionIndex = StartSession(sessionId, titleId);
        }

        var memberIndex = AddMember(sessionIndex, slot, playerId, from);
        WriteJoined(datagram, from, memberIndex);
        if (_draining)
        {
            // Joined during the drain: the member has not had the CLOSING the others got when it began.
            var notice = TakeNoticeBuffer(RelayProtocol.ClosingLength);
            WriteClosing(notice, ClosingReason.Draining, SecondsUntil(_drainDeadline));
            Enqueue(notice, RelayProtocol.ClosingLength, from);
        }
    }

    private int StartSession(UInt128 sessionId, UInt128 titleId)
    {
        var index = _freeSessions[--_freeSessionCount];
        _sessionHighWater = Math.Max(_sessionHighWater, index + 1);
        var load = _loads.For(titleId);
        _sessions[index] = new Session
        {
            Id = sessionId,
            TitleId = titleId,
            InUse = true,
            StartedAt = _now,
            StartedWall = _time.GetUtcNow(),
            Load = load,
        };
        _slotMembers.AsSpan(index * RelayProtocol.MaxSlots, RelayProtocol.MaxSlots).Fill(-1);
        _bySession.Add(sessionId, index);
        load.SessionCount++;
        _metrics.SessionsStartedCount++;
        _metrics.SessionGauge = _bySession.Count;
        Publish(new SessionLifecycleEvent(SessionLifecycleEvent.Started, RelayKeyRing.FormatId(titleId), RelayKeyRing.FormatId(sessionId), _sessions[index].StartedWall, 1, 0));
        return index;
    }

    private int AddMember(int sessionIndex, byte slot, UInt128 playerId, PeerAddress* from)
    {
        // Queued sends may point at a freed member's address; send them before this slot of the table is reused.
        Flush();

        var index = _freeMembers[--_freeMemberCount];
        _memberHighWater = Math.Max(_memberHighWater, index + 1);
        ulong connectionId;
        do
        {
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(new Span<ulong>(&connectionId, 1)));
        }
        while (connectionId == 0 || _byConnection.ContainsKey(connectionId));

        ref var member = ref _memberBase[index];
        member.ConnectionId = connectionId;
        member.Session = sessionIndex;
        member.Slot = slot;
        member.PlayerId = playerId;
        member.Address = *from;
        member.LastSeen = _now;
        member.LastRefill = _now;
        member.PacketTokens = _packetBurst;
        member.ByteTokens = _byteBurst;
        _byConnection.Add(connectionId, index);

        ref var session = ref _sessions[sessionIndex];
        var others = session.Occupied;
        session.Occupied |= 1UL << slot;
        _slotMembers[(sessionIndex * RelayProtocol.MaxSlots) + slot] = index;
        session.MemberCount++;
        session.PeakMembers = Math.Max(session.PeakMembers, session.MemberCount);
        session.Load!.MemberCount++;
        _metrics.MemberGauge = _byConnection.Count;
        _metrics.JoinCount++;

        if (others != 0)
        {
            var notice = TakeNoticeBuffer(RelayProtocol.MemberJoinedLength);
            WriteHeader(notice, RelayProtocol.MemberJoined);
            notice[4] = slot;
            BinaryPrimitives.WriteUInt128BigEndian(new Span<byte>(notice + 5, 16), playerId);
            SendToEach(sessionIndex, others, notice, RelayProtocol.MemberJoinedLength);
        }

        return index;
    }

    private void RemoveMember(int memberIndex, MemberLeftReason reason)
    {
        ref var member = ref _memberBase[memberIndex];
        var sessionIndex = member.Session;
        ref var session = ref _sessions[sessionIndex];
        session.Occupied &= ~(1UL << member.Slot);
        _slotMembers[(sessionIndex * RelayProtocol.MaxSlots) + member.Slot] = -1;
        session.MemberCount--;
        session.Load!.MemberCount--;
        _byConnection.Remove(member.ConnectionId);
        member.ConnectionId = 0;
        _freeMembers[_freeMemberCount++] = memberIndex;
        _metrics.MemberGauge = _byConnection.Count;

        if (session.Occupied == 0)
        {
            EndSession(sessionIndex);
            return;
        }

        var notice = TakeNoticeBuffer(RelayProtocol.MemberLeftLength);
        WriteHeader(notice, RelayProtocol.MemberLeft);
        notice[4] = member.Slot;
        notice[5] = (byte)reason;
        SendToEach(sessionIndex, session.Occupied, notice, RelayProtocol.MemberLeftLength);
    }

    /// <summary>Tells the remaining members (if any) the session is closing now, removes them and ends the session.</summary>
    private void CloseSession(int sessionIndex, ClosingReason reason)
    {
        ref var session = ref _sessions[sessionIndex];
        if (session.Occupied != 0)
        {
            SendClosing(sessionIndex, reason, 0);
            var remaining = session.Occupied;
            while (remaining != 0)
            {
                var slot = BitOperations.TrailingZeroCount(remaining);
                remaining &= remaining - 1;
                var memberIndex = _slotMembers[(sessionIndex * RelayProtocol.MaxSlots) + slot];
                _byConnection.Remove(_memberBase[memberIndex].ConnectionId);
                _memberBase[memberIndex].ConnectionId = 0;
                _freeMembers[_freeMemberCount++] = memberIndex;
                session.Load!.MemberCount--;
            }

            session.Occupied = 0;
            session.MemberCount = 0;
            _metrics.MemberGauge = _byConnection.Count;
        }

        EndSession(sessionIndex);
    }

    private void EndSession(int sessionIndex)
    {
        ref var session = ref _sessions[sessionIndex];
        _bySession.Remove(session.Id);
        session.InUse = false;
        session.Load!.SessionCount--;
        _freeSessions[_freeSessionCount++] = sessionIndex;
        _metrics.SessionsEndedCount++;
        _metrics.SessionGauge = _bySession.Count;
        var duration = (_now - session.StartedAt) / (double)_ticksPerSecond;
        Publish(new SessionLifecycleEvent(SessionLifecycleEvent.Ended, RelayKeyRing.FormatId(session.TitleId), RelayKeyRing.FormatId(session.Id), _time.GetUtcNow(), session.PeakMembers, Math.Round(duration, 3)));
        session.Load = null;
    }

    private void SendClosing(int sessionIndex, ClosingReason reason, int secondsLeft)
    {
        var notice = TakeNoticeBuffer(RelayProtocol.ClosingLength);
        WriteClosing(notice, reason, secondsLeft);
        SendToEach(sessionIndex, _sessions[sessionIndex].Occupied, notice, RelayProtocol.ClosingLength);
    }

    private static void WriteClosing(byte* notice, ClosingReason reason, int secondsLeft)
    {
        WriteHeader(notice, RelayProtocol.Closing);
        notice[4] = (byte)reason;
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(notice + 5, 2), (ushort)Math.Clamp(secondsLeft, 0, ushort.MaxValue));
    }

    private int SecondsUntil(long timestamp) => (int)Math.Ceiling(Math.Max(0, timestamp - _now) / (double)_ticksPerSecond);

    /// <summary>
    /// Timers: idle members, expired sessions, the drain. Called by the loop about ten times a second, so a removal
    /// happens at most that much after its deadline; a linear pass over the used part of the tables is cheaper than
    /// keeping timer structures up to date on every datagram.
    /// </summary>
    public void RunTimers(bool drainRequested)
    {
        for (var i = 0; i < _memberHighWater; i++)
        {
            ref var member = ref _memberBase[i];
            if (member.ConnectionId != 0 && _now - member.LastSeen > _idleTicks)
            {
                RemoveMember(i, MemberLeftReason.TimedOut);
            }
        }

        for (var i = 0; i < _sessionHighWater; i++)
        {
            if (_sessions[i].InUse && _now - _sessions[i].StartedAt >= _maxSessionTicks)
            {
                CloseSession(i, ClosingReason.Expired);
            }
        }

        if (drainRequested && !_draining)
        {
            _draining = true;
            _drainDeadline = _now + (long)(_options.DrainSeconds * _ticksPerSecond);
            _drainAcceptUntil = _now + (long)(Math.Min(_options.DrainAcceptSeconds, _options.DrainSeconds) * _ticksPerSecond);
            for (var i = 0; i < _sessionHighWater; i++)
            {
                if (_sessions[i].InUse)
                {
                    SendClosing(i, ClosingReason.Draining, (int)Math.Ceiling(_options.DrainSeconds));
                }
            }
        }

        if (_draining && _now >= _drainDeadline)
        {
            for (var i = 0; i < _sessionHighWater; i++)
            {
                if (_sessions[i].InUse)
                {
                    CloseSession(i, ClosingReason.Draining);
                }
            }
        }

        Flush();
        _metrics.LoopAllocated = GC.GetAllocatedBytesForCurrentThread();
    }

    /// <summary>Where <see cref="Flush"/> sends; set once by the server before the loop starts.</summary>
    public IDatagramTransport? Transport { get; set; }

    /// <summary>Sends what is queued; the loop calls it at the end of every batch.</summary>
    public void Flush()
    {
        if (_send.Count > 0 && Transport is { } transport)
        {
            var refused = transport.Send(_send);
            var sent = _send.Count - refused;
            long bytes = 0;
            for (var i = 0; i < _send.Count; i++)
            {
                bytes += _send[i].Length;
            }

            _metrics.PacketsOutCount += sent;
            _metrics.BytesOutCount += bytes;
            _metrics.SendErrorCount += refused;
        }

        _send.Clear();
        _noticeUsed = 0;
    }

    /// <summary>JOINED, written over the 1200-byte JOIN it answers (it is at most 1093 bytes).</summary>
    private void WriteJoined(byte* datagram, PeerAddress* to, int memberIndex)
    {
        ref var member = ref _memberBase[memberIndex];
        ref var session = ref _sessions[member.Session];
        WriteHeader(datagram, RelayProtocol.Joined);
        Unsafe.WriteUnaligned(datagram + 4, member.ConnectionId);
        datagram[12] = member.Slot;
        var others = session.Occupied & ~(1UL << member.Slot);
        datagram[13] = (byte)BitOperations.PopCount(others);
        var span = new Span<byte>(datagram, RelayProtocol.MaxDatagram);
        BinaryPrimitives.WriteUInt16BigEndian(span.Slice(14, 2), (ushort)Math.Min(ushort.MaxValue, Math.Ceiling(_options.IdleTimeoutSeconds)));
        BinaryPrimitives.WriteUInt16BigEndian(span.Slice(16, 2), (ushort)_options.MemberPacketsPerSecond);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(18, 4), (uint)_options.MemberBytesPerSecond);
        var offset = RelayProtocol.JoinedFixedLength;
        var slotBase = member.Session * RelayProtocol.MaxSlots;
        while (others != 0)
        {
            var slot = BitOperations.TrailingZeroCount(others);
            others &= others - 1;
            span[offset] = (byte)slot;
            BinaryPrimitives.WriteUInt128BigEndian(span.Slice(offset + 1, 16), _memberBase[_slotMembers[slotBase + slot]].PlayerId);
            offset += RelayProtocol.JoinedMemberLength;
        }

        Enqueue(datagram, offset, to);
    }

    /// <summary>REFUSED (5 bytes), written over the 1200-byte JOIN it answers.</summary>
    private void Refuse(byte* datagram, PeerAddress* to, RefusalReason reason)
    {
        _metrics.RefusalCounts[(int)reason]++;
        WriteHeader(datagram, RelayProtocol.Refused);
        datagram[4] = (byte)reason;
        Enqueue(datagram, RelayProtocol.RefusedLength, to);
    }

    private void SendToEach(int sessionIndex, ulong slots, byte* data, int length)
    {
        var slotBase = sessionIndex * RelayProtocol.MaxSlots;
        while (slots != 0)
        {
            var slot = BitOperations.TrailingZeroCount(slots);
            slots &= slots - 1;
            Enqueue(data, length, &_memberBase[_slotMembers[slotBase + slot]].Address);
        }
    }

    private byte* TakeNoticeBuffer(int length)
    {
        if (_noticeUsed + length > _notices.Length)
        {
            Flush();
        }

        var notice = _noticeBase + _noticeUsed;
        _noticeUsed += length;
        return notice;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue(byte* data, int length, PeerAddress* to)
    {
        if (_send.IsFull)
        {
            // Sending now keeps the pointers valid: nothing queued is overwritten until the batch ends.
            var noticeUsed = _noticeUsed;
            Flush();
            _noticeUsed = noticeUsed;
        }

        _send.Add(data, length, to);
    }

    private void Publish(SessionLifecycleEvent sessionEvent)
    {
        if (_events.Count >= 100_000)
        {
            _metrics.EventsDroppedCount++;
            return;
        }

        _events.Enqueue(sessionEvent);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Drop(DropReason reason) => _metrics.DropCounts[(int)reason]++;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteHeader(byte* destination, byte type)
    {
        destination[0] = RelayProtocol.Magic0;
        destination[1] = RelayProtocol.Magic1;
        destination[2] = RelayProtocol.Version;
        destination[3] = type;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteDeliverHeader(byte* deliver, byte fromSlot)
    {
        WriteHeader(deliver, RelayProtocol.Deliver);
        deliver[4] = fromSlot;
    }

    private struct JoinBucket
    {
        public double Tokens;
        public long LastRefill;
    }

    /// <summary>A joined member; unmanaged, so the array can be pinned and the kernel can read <see cref="Address"/> in place.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Member
    {
        public PeerAddress Address;
        public ulong ConnectionId;
        public UInt128 PlayerId;
        public long LastSeen;
        public long LastRefill;
        public double PacketTokens;
        public double ByteTokens;
        public int Session;
        public byte Slot;
    }

    private struct Session
    {
        public UInt128 Id;
        public UInt128 TitleId;
        public ulong Occupied;
        public long StartedAt;
        public DateTimeOffset StartedWall;
        public int MemberCount;
        public int PeakMembers;
        public bool InUse;
        public TitleLoad? Load;
    }
}
