namespace GameBackend.SessionRelay.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task An_idle_member_times_out_and_the_others_are_told()
    {
        using var relay = new RelayHarness(o => o.IdleTimeoutSeconds = 1);
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(50);

        // a keeps itself alive with pings; b says nothing.
        byte[]? left = null;
        for (var i = 0; i < 50 && left is null; i++)
        {
            a.Send(a.PingDatagram(i));
            left = a.Drain(100).FirstOrDefault(d => d[3] == RelayProtocol.MemberLeft);
        }

        Assert.NotNull(left);
        Assert.Equal(1, left[4]);
        Assert.Equal((byte)MemberLeftReason.TimedOut, left[5]);
        Assert.Equal(1, relay.Metrics.Members);

        // b's connection id is dead now.
        b.SendData(0, [1]);
        await RelayHarness.Eventually(() => relay.Metrics.Drops(DropReason.UnknownConnection) == 1, "b's datagram dropped");

        // When a goes quiet too, the session closes.
        await RelayHarness.Eventually(() => relay.Metrics.Sessions == 0, "the session closed", 3000);
    }

    [Fact]
    public async Task A_session_closes_when_its_last_member_leaves_and_reports_started_and_ended()
    {
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(50);

        b.Leave();
        var left = a.ReceiveType(RelayProtocol.MemberLeft);
        Assert.NotNull(left);
        Assert.Equal((byte)MemberLeftReason.Left, left[5]);
        a.Leave();
        await RelayHarness.Eventually(() => relay.Metrics.Sessions == 0, "the session closed");

        var events = new List<SessionLifecycleEvent>();
        while (relay.Relay.TryTakeEvent(out var e))
        {
            events.Add(e);
        }

        Assert.Equal([SessionLifecycleEvent.Started, SessionLifecycleEvent.Ended], events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(session, e.SessionId));
        Assert.All(events, e => Assert.Equal(relay.TitleId, e.TitleId));
        Assert.Equal(2, events[1].Members);
        Assert.True(events[1].DurationSeconds >= 0);
        Assert.Equal(1, relay.Metrics.SessionsStarted);
        Assert.Equal(1, relay.Metrics.SessionsEnded);
    }

    [Fact]
    public void A_session_that_reaches_its_maximum_duration_is_closed_with_closing()
    {
        using var relay = new RelayHarness(o => o.MaxSessionSeconds = 1);
        using var a = relay.Client();
        a.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        var closing = a.ReceiveType(RelayProtocol.Closing, 3000);
        Assert.NotNull(closing);
        Assert.Equal(RelayProtocol.ClosingLength, closing.Length);
        Assert.Equal((byte)ClosingReason.Expired, closing[4]);
        Assert.Equal(0, relay.Metrics.Sessions);
    }

    [Fact]
    public async Task Draining_refuses_new_sessions_keeps_running_ones_and_ends_when_they_end()
    {
        using var relay = new RelayHarness(o => o.DrainSeconds = 30);
        var session = RelayHarness.NewId();
        using var a = relay.Client();
        using var b = relay.Client();
        using var late = relay.Client();
        using var newcomer = relay.Client();
        a.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 0));
        b.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 1));
        a.Drain(50);

        relay.Relay.BeginDrain();
        var closing = a.ReceiveType(RelayProtocol.Closing);
        Assert.NotNull(closing);
        Assert.Equal((byte)ClosingReason.Draining, closing[4]);
        Assert.Equal(30, (closing[5] << 8) | closing[6]);

        // No new session...
        var refused = newcomer.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        Assert.NotNull(refused);
        Assert.Equal((byte)RefusalReason.Draining, refused[4]);

        // ...but the running one goes on, and may still take its late member.
        late.JoinOrFail(relay.Token(session, RelayHarness.NewId(), 2));
        b.SendData(0, [42]);
        Assert.NotNull(a.ReceiveType(RelayProtocol.Deliver));
        Assert.False(relay.Relay.Drained.IsCompleted);

        a.Leave();
        b.Leave();
        late.Leave();
        await relay.Relay.Drained.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, relay.Metrics.Sessions);
    }

    [Fact]
    public async Task Early_in_a_drain_new_sessions_are_still_taken_and_told_it_is_closing()
    {
        using var relay = new RelayHarness(o =>
        {
            o.DrainSeconds = 30;
            o.DrainAcceptSeconds = 2;
        });
        relay.Relay.BeginDrain();
        await RelayHarness.Eventually(() => relay.Metrics.ToPrometheusText(relay.Relay.IsDraining).Contains("\nrelay_draining 1\n", StringComparison.Ordinal), "draining");

        // An empty relay stays up through the window: the backend may have sent a match here just before it knew.
        using var a = relay.Client();
        a.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        var closing = a.ReceiveType(RelayProtocol.Closing);
        Assert.NotNull(closing);
        Assert.Equal((byte)ClosingReason.Draining, closing[4]);
        Assert.InRange((closing[5] << 8) | closing[6], 29, 30);

        await Task.Delay(2500);
        using var late = relay.Client();
        var refused = late.Join(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        Assert.NotNull(refused);
        Assert.Equal((byte)RefusalReason.Draining, refused[4]);

        a.Leave();
        await relay.Relay.Drained.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_drain_deadline_closes_what_is_left()
    {
        using var relay = new RelayHarness(o => o.DrainSeconds = 0.5);
        using var a = relay.Client();
        a.JoinOrFail(relay.Token(RelayHarness.NewId(), RelayHarness.NewId(), 0));
        relay.Relay.BeginDrain();
        await relay.Relay.Drained.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, relay.Metrics.Sessions);
        var notices = a.Drain(200).Where(d => d[3] == RelayProtocol.Closing).ToList();
        Assert.Equal(2, notices.Count); // "draining, 1 s left", then "closed now"
        Assert.Equal(0, (notices[1][5] << 8) | notices[1][6]);
    }

    [Fact]
    public void The_relay_never_answers_with_more_bytes_than_it_was_sent()
    {
        // Every answer type, each compared with the datagram that caused it; JOINED at its largest (63 others).
        using var relay = new RelayHarness();
        var session = RelayHarness.NewId();
        var token = relay.Token(session, RelayHarness.NewId(), 0);
        using var a = relay.Client();
        Assert.True(a.JoinOrFail(token).Length <= RelayProtocol.JoinLength);

        var clients = new List<RelayTestClient>();
        try
        {
            for (var slot = 1; slot < RelayProtocol.MaxSlots; slot++)
            {
                var client = relay.Client();
                clients.Add(client);
                Assert.True(client.JoinOrFail(relay.Token(session, RelayHarness.NewId(), slot)).Length <= RelayProtocol.JoinLength);
            }

            a.Drain(100);
            var largest = a.JoinOrFail(token);
            Assert.Equal(RelayProtocol.MaxJoinedLength, largest.Length);
            Assert.Equal(63, largest[13]);
            Assert.True(largest.Length <= RelayProtocol.JoinLength);

            var refused = clients[0].Join(relay.Token(session, RelayHarness.NewId(), 5));
            Assert.NotNull(refused);
            Assert.True(refused.Length <= RelayProtocol.JoinLength);

            var ping = a.PingDatagram(7);
            a.Send(ping);
            Assert.True(a.ReceiveType(RelayProtocol.Pong)!.Length < ping.Length);

            var data = a.DataDatagram(1, new byte[100]);
            a.Send(data);
            Assert.Equal(data.Length - 8, clients[0].ReceiveType(RelayProtocol.Deliver)!.Length);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
