using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using GameBackend.SessionRelay.Transport;

namespace GameBackend.SessionRelay;

/// <summary>
/// One running relay: its UDP socket, its receive loop thread and its state. Start it, drain it, stop it. Hosts
/// (the container entry point, Hosts.Local, tests) wrap it; <see cref="Hosting.SessionRelayService"/> is the hosted
/// service that adds heartbeats and the drain on shutdown.
/// </summary>
public sealed class UdpRelay : IDisposable
{
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<SessionLifecycleEvent> _events = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _missLock = new();
    private readonly HashSet<UInt128> _keyMisses = new(64);
    private readonly SemaphoreSlim _keyMissSignal = new(0, 1);
    private ReceiveBatch? _batch;
    private RelayEngine? _engine;
    private IDatagramTransport? _transport;
    private Thread? _thread;
    private volatile bool _stopRequested;
    private volatile bool _drainRequested;
    private volatile bool _running;

    public UdpRelay(RelayOptions options, RelayKeyRing keys, TimeProvider time, ILogger<UdpRelay> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        Keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    public RelayOptions Options => _options;

    public RelayKeyRing Keys { get; }

    public RelayMetrics Metrics { get; } = new();

    public TitleLoads Loads { get; } = new();

    /// <summary>The bound UDP endpoint (with the real port when the options asked for port 0).</summary>
    public IPEndPoint LocalEndpoint => _transport?.LocalEndpoint ?? throw new InvalidOperationException("The relay has not started.");

    public string TransportName => _transport?.Name ?? "none";

    public bool IsRunning => _running;

    public bool IsDraining => _drainRequested;

    /// <summary>Completes when a drain has ended: every session over, or the drain deadline reached.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Completes when the receive loop has exited.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Signalled when a JOIN named a key this relay lacks (see <see cref="TakeKeyMisses"/>).</summary>
    public SemaphoreSlim KeyMissSignal => _keyMissSignal;

    /// <summary>Binds the socket and starts the receive loop.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The relay has already started.");
        }

        var bind = _options.ParseBindEndpoint();
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (bind.AddressFamily == AddressFamily.InterNetworkV6 && bind.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.ReceiveBufferSize = _options.SocketBufferBytes;
            socket.SendBufferSize = _options.SocketBufferBytes;
            socket.Bind(bind);
            socket.Blocking = true;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _batch = new ReceiveBatch(_options.BatchSize);
        var sendCapacity = (_options.BatchSize * RelayProtocol.MaxSlots) + 256;
        var batched = _options.Transport == "batched" || (_options.Transport == "auto" && BatchedLinuxTransport.IsSupported);
        _transport = batched ? new BatchedLinuxTransport(socket, _batch, sendCapacity) : new SocketTransport(socket);
        _engine = new RelayEngine(_options, Keys, _time, Metrics, Loads, _events, OnKeyMiss, sendCapacity) { Transport = _transport };
        _running = true;
        _thread = new Thread(RunLoop) { IsBackground = true, Name = "relay-receive" };
        _thread.Start();
        Log.Listening(_logger, _transport.LocalEndpoint.ToString(), _transport.Name, _options.BatchSize, _options.MaxSessions, _options.MaxMembers);
    }

    /// <summary>Stops taking new sessions; existing ones run until they end or the drain deadline. Idempotent.</summary>
    public void BeginDrain()
    {
        if (!_drainRequested)
        {
            _drainRequested = true;
            Log.Draining(_logger, Metrics.Sessions, _options.DrainSeconds);
        }
    }

    /// <summary>Stops the receive loop (sessions end without notice) and closes the socket.</summary>
    public async Task StopAsync()
    {
        _stopRequested = true;
        if (_thread is not null)
        {
            await _stopped.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Takes the session lifecycle events queued since the last call.</summary>
    public bool TryTakeEvent(out SessionLifecycleEvent sessionEvent) => _events.TryDequeue(out sessionEvent!);

    /// <summary>Titles whose JOINs named a key this relay does not hold, since the last call.</summary>
    public UInt128[] TakeKeyMisses()
    {
        lock (_missLock)
        {
            var misses = _keyMisses.ToArray();
            _keyMisses.Clear();
            return misses;
        }
    }

    public void Dispose()
    {
        _stopRequested = true;
        if (_thread is { } thread && thread != Thread.CurrentThread)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _transport?.Dispose();
        _keyMissSignal.Dispose();
    }

    private void OnKeyMiss(UInt128 titleId)
    {
        if (!_options.DiscoverTitles && !Keys.Knows(titleId))
        {
            return;
        }

        lock (_missLock)
        {
            if (_keyMisses.Count < 64)
            {
                _keyMisses.Add(titleId);
            }
        }

        if (_keyMissSignal.CurrentCount == 0)
        {
            try
            {
                _keyMissSignal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    private unsafe void RunLoop()
    {
        var engine = _engine!;
        var batch = _batch!;
        var transport = _transport!;
        var timerInterval = _time.TimestampFrequency / 10;
        var nextTimers = 0L;
        try
        {
            while (!_stopRequested)
            {
                var received = transport.Receive(batch);
                var now = _time.GetTimestamp();
                engine.SetNow(now);
                try
                {
                    for (var i = 0; i < received; i++)
                    {
                        engine.Process(batch.Data(i), batch.Lengths[i], batch.AddressBase + i);
                    }

                    engine.Flush();
                    var drainRequested = _drainRequested;
                    if (now >= nextTimers || (drainRequested && !engine.Draining))
                    {
                        nextTimers = now + timerInterval;
                        engine.RunTimers(drainRequested);
                        if (engine.MayStopWhenEmpty && engine.SessionCount == 0)
                        {
                            _drained.TrySetResult();
                        }
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A bug on one batch must not take every session on this relay down with it.
                    Log.BatchFailed(_logger, ex);
                    engine.Flush();
                }
            }
        }
        catch (Exception ex)
        {
            Log.LoopFailed(_logger, ex);
        }
        finally
        {
            _running = false;
            Log.Stopped(_logger, Metrics.Sessions);
            _drained.TrySetResult();
            _stopped.TrySetResult();
        }
    }
}
