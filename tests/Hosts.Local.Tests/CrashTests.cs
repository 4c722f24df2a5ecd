using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GameBackend.Hosts.Local.Tests;

/// <summary>
/// The process-level promises of Hosts.Local: an acknowledged sign-in survives SIGKILL, the default title's
/// keys are printed once, and Ctrl+C / SIGTERM shut down cleanly.
/// </summary>
public sealed partial class CrashTests : IDisposable
{
    private const int Accounts = 300;
    private readonly string _dataPath = Directory.CreateTempSubdirectory("gamebackend-host-tests-").FullName;

    [GeneratedRegex(@"^GameBackend default title created: titleId=(?<title>[0-9a-f]{32}) clientKey=(?<client>\S+) serverKey=(?<server>\S+)$")]
    private static partial Regex CreatedLine();

    [GeneratedRegex(@"^GameBackend default title: titleId=(?<title>[0-9a-f]{32}) clientKey=(?<client>\S+)$")]
    private static partial Regex ExistingLine();

    [Fact]
    public async Task Accounts_acknowledged_before_SIGKILL_are_all_there_after_restart()
    {
        string titleId;
        string clientKey;
        var players = new Dictionary<string, string>();
        await using (var host = await LocalHostProcess.StartAsync(_dataPath))
        {
            var created = CreatedLine().Match(host.LineStartingWith("GameBackend default title") ?? "");
            Assert.True(created.Success, host.Output);
            titleId = created.Groups["title"].Value;
            clientKey = created.Groups["client"].Value;

            var deviceIds = Enumerable.Range(0, Accounts).Select(i => $"crash-device-{i:D5}").ToArray();
            var results = new string[Accounts];
            await Parallel.ForAsync(0, Accounts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var body = await SignInAsync(host.Client, clientKey, deviceIds[i], create: true);
                Assert.True(body.GetProperty("created").GetBoolean());
                results[i] = body.GetProperty("playerId").GetString()!;
            });
            for (var i = 0; i < Accounts; i++)
            {
                players[deviceIds[i]] = results[i];
            }

            await host.KillAsync();
        }

        Assert.Equal(Accounts, players.Values.Distinct().Count());

        await using (var restarted = await LocalHostProcess.StartAsync(_dataPath))
        {
            var existing = ExistingLine().Match(restarted.LineStartingWith("GameBackend default title") ?? "");
            Assert.True(existing.Success, restarted.Output);
            Assert.Equal(titleId, existing.Groups["title"].Value);
            Assert.Equal(clientKey, existing.Groups["client"].Value);

            await Parallel.ForEachAsync(players, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, ct) =>
            {
                var body = await SignInAsync(restarted.Client, clientKey, pair.Key, create: false);
                Assert.False(body.GetProperty("created").GetBoolean());
                Assert.Equal(pair.Value, body.GetProperty("playerId").GetString());
            });
        }
    }

    [Fact]
    public async Task First_start_prints_the_server_key_once_and_SIGTERM_and_ctrl_c_exit_cleanly()
    {
        string serverKey;
        string clientKey;
        string deviceId = "shutdown-device-00001";
        string playerId;
        await using (var first = await LocalHostProcess.StartAsync(_dataPath))
        {
            var created = CreatedLine().Match(first.LineStartingWith("GameBackend default title") ?? "");
            Assert.True(created.Success, first.Output);
            serverKey = created.Groups["server"].Value;
            clientKey = created.Groups["client"].Value;
            Assert.StartsWith("gbs_", serverKey, StringComparison.Ordinal);
            Assert.Single(first.StdoutLines, l => l.StartsWith("GameBackend default title", StringComparison.Ordinal));

            playerId = (await SignInAsync(first.Client, clientKey, deviceId, create: true)).GetProperty("playerId").GetString()!;
            await AssertOversizedBodiesAreRefusedAsync(first.Client, clientKey);
            Assert.Equal(0, await first.SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(30)));
        }

        await using (var second = await LocalHostProcess.StartAsync(_dataPath))
        {
            Assert.True(ExistingLine().IsMatch(second.LineStartingWith("GameBackend default title") ?? ""), second.Output);
            Assert.DoesNotContain(second.StdoutLines, l => l.Contains("serverKey", StringComparison.Ordinal) || l.Contains(serverKey, StringComparison.Ordinal));

            // The key printed once still works, and the player written before SIGTERM is there.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/admin/title/settings");
            request.Headers.Add("X-Server-Key", serverKey);
            using var settings = await second.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
            Assert.Equal(playerId, (await SignInAsync(second.Client, clientKey, deviceId, create: false)).GetProperty("playerId").GetString());

            Assert.Equal(0, await second.SignalAndWaitAsync("INT", TimeSpan.FromSeconds(30)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Through real Kestrel (not the test server): a body declared larger than the limit is a 413 problem,
    /// answered before the body is sent (Expect: 100-continue), and nothing is created. (Chunked bodies that
    /// run over are covered in Api.Tests; over a real socket the client races the server's early answer.)
    /// </summary>
    private static async Task AssertOversizedBodiesAreRefusedAsync(HttpClient client, string clientKey)
    {
        var big = Encoding.UTF8.GetBytes($$"""{"deviceId":"oversized-device-0001"{{new string(' ', 512 * 1024)}}}""");

        // The client must wait for the server's early answer instead of starting the body after the default
        // one second: on a loaded machine it would otherwise push 512 KiB at a server that has stopped reading,
        // and both sides would wait on each other until the client's timeout.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(25) })
        {
            BaseAddress = client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/device") { Content = new ByteArrayContent(big) })
        {
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-Client-Key", clientKey);
            request.Headers.ExpectContinue = true;
            using var response = await patient.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"code\":\"request_too_large\"", text, StringComparison.Ordinal);
        }

        using var check = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/device")
        {
            Content = new StringContent("""{"deviceId":"oversized-device-0001","create":false}""", Encoding.UTF8, "application/json"),
        };
        check.Headers.Add("X-Client-Key", clientKey);
        using var notCreated = await client.SendAsync(check);
        Assert.Equal(HttpStatusCode.NotFound, notCreated.StatusCode);
    }

    private static async Task<JsonElement> SignInAsync(HttpClient client, string clientKey, string deviceId, bool create)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/device")
        {
            Content = new StringContent($$"""{"deviceId":"{{deviceId}}","create":{{(create ? "true" : "false")}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Client-Key", clientKey);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
