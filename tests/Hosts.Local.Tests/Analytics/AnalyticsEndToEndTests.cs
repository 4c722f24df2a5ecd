using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using static GameBackend.Hosts.Local.Tests.HostHttp;

namespace GameBackend.Hosts.Local.Tests.Analytics;

/// <summary>
/// The real Hosts.Local process: a match formed by its scheduler is published on the in-process bus, rolled up by the
/// analytics consumer, and answered by the query API; after a restart (a new log epoch) the next match counts too.
/// </summary>
public sealed class AnalyticsEndToEndTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("gamebackend-analytics-tests-").FullName;

    [Fact]
    public async Task A_match_formed_in_the_process_shows_up_in_the_query_api_and_a_restart_keeps_counting()
    {
        string clientKey, serverKey;
        await using (var host = await LocalHostProcess.StartAsync(_dataPath))
        {
            (_, clientKey, serverKey) = DefaultTitle(host);
            await SendAsync(host.Client, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: serverKey);

            await PlayOneMatchAsync(host, clientKey, "first");
            await WaitForMatchesAsync(host, serverKey, 1);
        }

        await using (var restarted = await LocalHostProcess.StartAsync(_dataPath))
        {
            await PlayOneMatchAsync(restarted, clientKey, "second");
            await WaitForMatchesAsync(restarted, serverKey, 2);
        }
    }

    /// <summary>Two players sign in and queue for the duel queue, which the host's scheduler turns into one match.</summary>
    internal static async Task PlayOneMatchAsync(LocalHostProcess host, string clientKey, string round)
    {
        for (var i = 0; i < 2; i++)
        {
            var signIn = await SendAsync(host.Client, HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"analytics-{{round}}-{{i}}"}""", HttpStatusCode.OK, clientKey: clientKey);
            await SendAsync(host.Client, HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", HttpStatusCode.Created, signIn.GetProperty("accessToken").GetString());
        }
    }

    /// <summary>Waits until the query API counts <paramref name="expected"/> matches around today.</summary>
    internal static async Task WaitForMatchesAsync(LocalHostProcess host, string serverKey, long expected)
    {
        var today = DateTime.UtcNow;
        var url = $"/v1/admin/analytics/days?from={today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var days = (await SendAsync(host.Client, HttpMethod.Get, url, null, HttpStatusCode.OK, serverKey: serverKey)).GetProperty("days");
            var matches = days.EnumerateArray().Sum(d => d.GetProperty("matches").GetInt64());
            if (matches >= expected)
            {
                Assert.Equal(expected, matches);
                return;
            }

            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"{matches} of {expected} matches rolled up within 30 s:\n" + host.Output);
            await Task.Delay(TimeSpan.FromMilliseconds(200));
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
            // A leftover temp folder is harmless.
        }
    }
}
