using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GameBackend.Redis.Tests;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>The executable itself, started the way the Functions host starts it.</summary>
public sealed class HandlerProcessTests : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisServerFixture _redis;
    private readonly string _data = Directory.CreateTempSubdirectory("gamebackend-azure-process-").FullName;

    public HandlerProcessTests(RedisServerFixture redis) => _redis = redis;

    [Fact]
    public async Task It_listens_on_FUNCTIONS_CUSTOMHANDLER_PORT_on_loopback_and_answers_the_API_and_the_timer()
    {
        await using var handler = await HandlerProcess.StartAsync(Settings());
        Assert.Equal(HttpStatusCode.OK, (await handler.Client.GetAsync("/healthz")).StatusCode);
        var tick = await handler.Client.PostAsync("/MatchmakingTick", new StringContent(Payloads.Timer(DateTimeOffset.UtcNow), Encoding.UTF8, "application/json"));
        Assert.True(tick.StatusCode == HttpStatusCode.OK, await tick.Content.ReadAsStringAsync() + "\n" + handler.Output);
        Assert.Contains(handler.Output.Split('\n'), l => l.Contains($"Custom handler listening on http://127.0.0.1:{handler.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Per_client_limits_see_the_players_address_from_X_Forwarded_For_not_the_Functions_host()
    {
        var settings = Settings();
        var (exitCode, stdout, stderr) = await HandlerProcess.RunCommandAsync(settings, "create-title", "Forwarded");
        Assert.True(exitCode == 0, stdout + stderr);
        var clientKey = Regex.Match(stdout, @"clientKey=(\S+)").Groups[1].Value;
        Assert.NotEmpty(clientKey);

        settings["GameBackend__RateLimits__RequestsPerSecondPerClient"] = "1";
        await using var handler = await HandlerProcess.StartAsync(settings);

        // Every request comes from the Functions host on 127.0.0.1; one sign-in per second per client address.
        async Task<HttpStatusCode> SignInFromAsync(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/device")
            {
                Content = new StringContent($$"""{"deviceId":"{{Guid.NewGuid():N}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Client-Key", clientKey);
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await handler.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SignInFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, await SignInFromAsync("198.51.100.9"));
        Assert.Equal(HttpStatusCode.OK, await SignInFromAsync("10.1.1.1, 192.0.2.44"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync("203.0.113.7"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["GameBackend__Azure__SqlitePath"] = Path.Combine(_data, "store.db"),
        ["GameBackend__Azure__RedisConnectionString"] = $"127.0.0.1:{_redis.Port}",
        ["GameBackend__Relays__Servers__0__RelayId"] = "test-relay",
        ["GameBackend__Relays__Servers__0__Region"] = "test",
        ["GameBackend__Relays__Servers__0__Endpoint"] = "127.0.0.1:7777",
    };
}
