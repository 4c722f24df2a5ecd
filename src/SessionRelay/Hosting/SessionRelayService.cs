using GameBackend.SessionRelay.ControlPlane;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace GameBackend.SessionRelay.Hosting;

/// <summary>
/// Runs a <see cref="UdpRelay"/> inside a generic host. On shutdown (SIGTERM, Ctrl+C) it drains instead of
/// dropping games: the relay refuses new sessions, tells the backend it is draining (so no new match is sent here),
/// lets running sessions finish until the drain deadline, sends a last heartbeat with the final session events, and
/// only then stops. The host's shutdown timeout must exceed the drain deadline (the container entry point sets it).
/// </summary>
public sealed class SessionRelayService(UdpRelay relay, RelayHeartbeats heartbeats, ILogger<SessionRelayService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _heartbeatLoop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            relay.Start();
        }
        catch (SocketException ex) when (!relay.Options.Required)
        {
            Log.NotStarted(logger, relay.Options.Endpoint, ex.Message);
            return Task.CompletedTask;
        }

        _heartbeatLoop = Task.Run(() => heartbeats.RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_heartbeatLoop is null)
        {
            return;
        }

        relay.BeginDrain();
        using var lastBeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lastBeat.CancelAfter(TimeSpan.FromSeconds(5));
        await SafeBeatAsync(lastBeat.Token);

        var deadline = relay.Options.DrainTimeout + TimeSpan.FromSeconds(1);
        try
        {
            await relay.Drained.WaitAsync(deadline, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The host's own shutdown timeout ran out first: stop now.
        }

        await _stopping.CancelAsync();
        if (_heartbeatLoop is not null)
        {
            await _heartbeatLoop.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        await relay.StopAsync();
        using var finalBeat = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await SafeBeatAsync(finalBeat.Token);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        relay.Dispose();
    }

    private async Task SafeBeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await heartbeats.BeatAllAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Best effort on the way out.
        }
    }
}
