using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GameBackend.SessionRelay.Tests.EndToEnd;

/// <summary>
/// The whole path through the real Hosts.Local process: two players queue, the host's scheduler matches them, each
/// reads the assignment (relay endpoint, slot, join token), joins the in-process relay with the token, and they
/// exchange datagrams. The relay learns the title's key from the title service on the first JOIN, and its heartbeat
/// (in process, no HTTP) registers it in the relay registry.
/// </summary>
public sealed partial class MatchToRelayTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("gamebackend-relay-e2e-").FullName;

    [GeneratedRegex(@"^GameBackend default title created: titleId=(?<title>[0-9a-f]{32}) clientKey=(?<client>\S+) serverKey=(?<server>\S+)$")]
    private static partial Regex CreatedLine();

    [Fact]
    public async Task Matched_players_join_the_assigned_relay_with_their_tokens_and_exchange_datagrams()
    {
        var relayPort = FreeUdpPort();
        await using var host = await HostProcess.StartAsync(_dataPath, relayPort);
        var created = CreatedLine().Match(host.Lines.FirstOrDefault(l => l.StartsWith("GameBackend default title", StringComparison.Ordinal)) ?? "");
        Assert.True(created.Success, host.Output);
        var http = host.Client;

        await SendAsync(http, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: created.Groups["server"].Value);
        var tickets = new List<(string PlayerId, string AccessToken, string TicketId)>();
        for (var i = 0; i < 2; i++)
        {
            var signIn = await SendAsync(http, HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"relay-e2e-{{i}}"}""", HttpStatusCode.OK, clientKey: created.Groups["client"].Value);
            var accessToken = signIn.GetProperty("accessToken").GetString()!;
            var ticket = await SendAsync(http, HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", HttpStatusCode.Created, accessToken);
            tickets.Add((signIn.GetProperty("playerId").GetString()!, accessToken, ticket.GetProperty("ticketId").GetString()!));
        }

        var clients = new List<RelayTestClient>();
        try
        {
            var slots = new List<int>();
            foreach (var (playerId, accessToken, ticketId) in tickets)
            {
                var assignment = await WaitForAssignmentAsync(http, ticketId, accessToken, host);
                var relayEndpoint = IPEndPoint.Parse(assignment.GetProperty("relayEndpoint").GetString()!);
                Assert.Equal(relayPort, relayEndpoint.Port);
                var seat = assignment.GetProperty("seats")[0];
                Assert.Equal(playerId, seat.GetProperty("playerId").GetString());
                var token = Base64Url.DecodeFromChars(seat.GetProperty("joinToken").GetString()!);

                var client = new RelayTestClient(relayEndpoint);
                clients.Add(client);

                // The first JOIN teaches the relay the title's key (an early heartbeat round); clients retry JOIN anyway.
                byte[]? joined = null;
                for (var attempt = 0; attempt < 20 && joined is null; attempt++)
                {
                    joined = client.Join(token, timeoutMs: 250);
                }

                Assert.True(joined is not null, "no JOINED:\n" + host.Output);
                Assert.Equal(RelayProtocol.Joined, joined[3]);
                Assert.Equal(seat.GetProperty("slot").GetInt32(), joined[12]);
                slots.Add(joined[12]);
            }

            clients[0].Drain(100);
            clients[0].SendData((byte)slots[1], "ping from one"u8);
            var delivered = clients[1].ReceiveType(RelayProtocol.Deliver);
            Assert.NotNull(delivered);
            Assert.Equal(slots[0], delivered[4]);
            Assert.Equal("ping from one"u8.ToArray(), delivered.AsSpan(5).ToArray());

            clients[1].SendData(RelayProtocol.AllMembers, "and back"u8);
            Assert.Equal("and back"u8.ToArray(), clients[0].ReceiveType(RelayProtocol.Deliver)!.AsSpan(5).ToArray());

            var metrics = await http.GetStringAsync("/relay/metrics");
            Assert.Contains("\nrelay_members 2\n", metrics, StringComparison.Ordinal);

            // The in-process relay heartbeats into the registry matchmaking allocates from.
            var registered = await SendAsync(http, HttpMethod.Get, "/v1/admin/relays", null, HttpStatusCode.OK, serverKey: created.Groups["server"].Value);
            var relay = Assert.Single(registered.GetProperty("items").EnumerateArray());
            Assert.Equal("local", relay.GetProperty("relayId").GetString());
            Assert.Equal($"127.0.0.1:{relayPort}", relay.GetProperty("endpoint").GetString());
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        // SIGTERM: the relay drains (its two members never leave, so until its 5 s deadline) and the process exits 0.
        Assert.Equal(0, await host.SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(30)));
        Assert.Contains(host.Lines, l => l.Contains("Session relay draining", StringComparison.Ordinal));
        Assert.Contains(host.Lines, l => l.Contains("session_ended", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static async Task<JsonElement> WaitForAssignmentAsync(HttpClient http, string ticketId, string accessToken, HostProcess host)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var ticket = await SendAsync(http, HttpMethod.Get, $"/v1/matchmaking/queues/duel/tickets/{ticketId}", null, HttpStatusCode.OK, accessToken);
            if (ticket.GetProperty("status").GetString() == "matched")
            {
                return ticket.GetProperty("assignment");
            }

            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), "not matched within 20 s:\n" + host.Output);
            await Task.Delay(200);
        }
    }

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string url, string? json, HttpStatusCode expected, string? accessToken = null, string? clientKey = null, string? serverKey = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (clientKey is not null)
        {
            request.Headers.Add("X-Client-Key", clientKey);
        }

        if (serverKey is not null)
        {
            request.Headers.Add("X-Server-Key", serverKey);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {url}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>The Hosts.Local executable on free ports, stdout captured (a lean copy of Hosts.Local.Tests' helper).</summary>
    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();

        private HostProcess(Process process, Uri baseAddress)
        {
            _process = process;
            Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Client { get; }

        public IReadOnlyCollection<string> Lines => _lines;

        public string Output => string.Join('\n', _lines);

        public static async Task<HostProcess> StartAsync(string dataPath, int relayPort)
        {
            int httpPort;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                httpPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var baseAddress = new Uri($"http://127.0.0.1:{httpPort}");
            var dll = Path.Combine(AppContext.BaseDirectory, "GameBackend.Hosts.Local.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dataPath,
            };
            foreach (var argument in new[]
            {
                dll, "--urls", baseAddress.ToString().TrimEnd('/'), $"--GameBackend:DataPath={dataPath}",
                $"--GameBackend:Relay:Endpoint=127.0.0.1:{relayPort}",
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var process = new Process { StartInfo = start };
            var host = new HostProcess(process, baseAddress);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    host._lines.Enqueue(e.Data);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    host._lines.Enqueue("stderr: " + e.Data);
                }
            };
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                Assert.False(process.HasExited, "Hosts.Local exited early:\n" + host.Output);
                try
                {
                    using var response = await host.Client.GetAsync("/relay/readyz");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return host;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("Hosts.Local did not become ready:\n" + host.Output);
        }

        public async Task<int> SignalAndWaitAsync(string signal, TimeSpan timeout)
        {
            using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
