using GameBackend.Core.Matchmaking;
using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Matchmaking;

/// <summary>The matchmaking services over <see cref="TestBackend"/> (real SQLite, fake clock), with two configured relays.</summary>
public sealed class MatchmakingBackend : IAsyncDisposable
{
    public MatchmakingBackend()
    {
        Relays = new ConfiguredRelayDirectory([new RelayServer("relay-eu", "eu", "10.0.0.1:7777"), new RelayServer("relay-na", "na", "10.0.0.2:7777")]);
        Queues = new QueueService(Backend.Store, Backend.Time);
        Ratings = new PlayerRatings(Backend.Store, Backend.Time);
        Tickets = new TicketService(Backend.Store, Queues, Ratings, Backend.Titles, Backend.Time);
        Tick = NewTick();
        Results = new MatchResults(Backend.Store, Ratings, Events, Backend.Time);
    }

    public TestBackend Backend { get; } = new();

    public RecordingEventBus Events { get; } = new();

    public ConfiguredRelayDirectory Relays { get; }

    public QueueService Queues { get; }

    public PlayerRatings Ratings { get; }

    public TicketService Tickets { get; }

    public MatchmakingTick Tick { get; }

    public MatchResults Results { get; }

    /// <summary>Another tick instance (as another host would run), sharing the store.</summary>
    public MatchmakingTick NewTick(bool useLease = true) => new(Backend.Store, Queues, Relays, Events, Backend.Time) { UseLease = useLease };

    public async Task<Title> CreateTitleAsync() => await Backend.CreateTitleAsync();

    public async Task<string> NewPlayerAsync(Title title) => (await Backend.SignInNewDeviceAsync(title)).Principal.PlayerId;

    public async Task<List<string>> NewPlayersAsync(Title title, int count)
    {
        var players = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            players.Add(await NewPlayerAsync(title));
        }

        return players;
    }

    public async Task<QueueStatus> PutQueueAsync(Title title, string queueId, QueueConfig config)
    {
        var put = await Queues.PutAsync(title.Id, queueId, config, null);
        Assert.True(put.IsSuccess, put.Error?.Message);
        return put.Value;
    }

    public async Task<TicketView> QueueAsync(Title title, string queueId, string playerId, Dictionary<string, string>? attributes = null, Dictionary<string, double>? pings = null)
    {
        var created = await Tickets.CreateAsync(title.Id, queueId, new TicketRequest([playerId], attributes, pings), playerId);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value;
    }

    public async Task<TickReport> TickAsync(Title title, string queueId)
    {
        var report = await Tick.RunQueueAsync(title.Id, queueId);
        Assert.True(report.IsSuccess, report.Error?.Message);
        return report.Value;
    }

    public ValueTask DisposeAsync() => Backend.DisposeAsync();
}
