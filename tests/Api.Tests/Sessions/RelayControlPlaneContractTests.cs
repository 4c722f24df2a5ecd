using GameBackend.Core.Events;
using GameBackend.Core.Tests.Support;
using GameBackend.Core.Sessions;
using GameBackend.SessionRelay;
using GameBackend.SessionRelay.ControlPlane;
using Microsoft.Extensions.DependencyInjection;
using WireHeartbeat = GameBackend.SessionRelay.ControlPlane.HeartbeatReport;

namespace GameBackend.Api.Tests.Sessions;

/// <summary>
/// The relay's own HTTP client (src/SessionRelay's <see cref="HttpRelayControlPlane"/>) against the real heartbeat route:
/// both sides of the contract in one test, so neither can drift from the other unnoticed.
/// </summary>
public sealed class RelayControlPlaneContractTests
{
    [Fact]
    public async Task The_relays_heartbeat_client_registers_publishes_its_events_and_learns_the_keys()
    {
        var bus = new RecordingEventBus();
        await using var factory = new ApiFactory(null, services => services.AddSingleton<IEventBus>(bus));
        var title = await factory.CreateTitleAsync();
        var keys = (await RelayHeartbeats.ActiveKeysAsync(factory, title.Id)).Select(k => new RelayKey(k.KeyId, k.Secret)).ToList();
        using var controlPlane = new HttpRelayControlPlane(new Uri("http://localhost/"), factory.Time, factory.Server.CreateHandler());
        var session = Core.Common.Ids.NewId(factory.Time);
        var now = factory.Time.GetUtcNow();

        var answer = await controlPlane.HeartbeatAsync(
            new WireHeartbeat(title.Id, new RelayHeartbeat("relay-eu-1", "eu", "203.0.113.7:7777", 1024, 0.25, 1, 2, "1.0.0+abc", false,
            [
                new SessionLifecycleEvent("session_started", title.Id, session, now.AddSeconds(-30), 2, 0).ToReported(),
                new SessionLifecycleEvent("session_ended", title.Id, session, now, 0, 30).ToReported(),
            ])),
            keys,
            CancellationToken.None);

        Assert.Equal(keys.Select(k => k.KeyId), answer.RelayKeys.Select(k => k.KeyId));
        Assert.Equal(5, answer.HeartbeatSeconds);
        Assert.Equal(["session_started", "session_ended", "relay_heartbeat"], bus.Events.Select(e => e.Name));
        using var client = factory.CreateClient();
        var relay = Assert.Single(await RelayHeartbeats.ListAsync(client, title));
        Assert.Equal(("relay-eu-1", "203.0.113.7:7777", 0.25, true), (relay.GetProperty("relayId").GetString(), relay.GetProperty("endpoint").GetString(), relay.GetProperty("load").GetDouble(), relay.GetProperty("healthy").GetBoolean()));
    }
}
