using GameBackend.Core.Matchmaking;
using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Local;

/// <summary>
/// Hosts.Local's stand-in for the clouds' schedulers (EventBridge, Functions timer, Cloud Scheduler): ticks every
/// queue of every title once per <see cref="LocalHostOptions.MatchmakingTickSeconds"/>. A tick that overruns delays
/// the next one instead of overlapping it; the store's lease would make an overlap harmless anyway.
/// </summary>
internal sealed partial class MatchmakingScheduler(
    MatchmakingTick tick, IOptions<LocalHostOptions> options, TimeProvider time, ILogger<MatchmakingScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.MatchmakingTickSeconds);
        if (period <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (var report in await tick.RunAllAsync(stoppingToken))
                    {
                        if (report.MatchesFormed > 0 || report.TimedOut > 0 || report.NoRelay > 0 || report.EventFailures > 0)
                        {
                            TickDone(logger, report.TitleId, report.QueueId, report.Searching, report.MatchesFormed, report.TimedOut, report.Conflicts, report.NoRelay, report.EventFailures, report.Duration.TotalMilliseconds);
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One failed tick (a store hiccup) must not stop matchmaking for the life of the process.
                    TickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information,
        Message = "Matchmaking tick {TitleId}/{QueueId}: {Searching} searching, {Matches} matches formed, {TimedOut} timed out, {Conflicts} conflicts, {NoRelay} without relay, {EventFailures} events not published, {DurationMs:F1} ms")]
    private static partial void TickDone(ILogger logger, string titleId, string queueId, int searching, int matches, int timedOut, int conflicts, int noRelay, int eventFailures, double durationMs);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Matchmaking tick failed; the next one runs as scheduled")]
    private static partial void TickFailed(ILogger logger, Exception exception);
}
