using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>The executable itself, started the way the Functions host starts it.</summary>
[Collection(AzureServersCollection.Name)]
public sealed class HandlerProcessTests
{
    private readonly AzureServers _servers;

    public HandlerProcessTests(AzureServers servers) => _servers = servers;

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

        // Every request comes from the Functions host on 127.0.0.1; one request per second per client address. The
        // bodies are invalid, so after the limit each request costs no store write and the four run well within a second.
        async Task<HttpStatusCode> SignInFromAsync(string forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/device")
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Client-Key", clientKey);
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await handler.Client.SendAsync(request);
            return response.StatusCode;
        }

        // Warm (the title's first read), then from one address twice and from two others once each.
        await SignInFromAsync("192.0.2.1");
        Assert.Equal(HttpStatusCode.BadRequest, await SignInFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInFromAsync("203.0.113.7"));
        Assert.Equal(HttpStatusCode.BadRequest, await SignInFromAsync("198.51.100.9"));
        Assert.Equal(HttpStatusCode.BadRequest, await SignInFromAsync("10.1.1.1, 192.0.2.44"));
    }

    [Fact]
    public async Task Without_a_Kafka_broker_it_refuses_to_start_rather_than_drop_events()
    {
        var settings = Settings();
        settings.Remove("GameBackend__Kafka__BootstrapServers");
        var (exitCode, stdout, stderr) = await HandlerProcess.RunCommandAsync(settings);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("GameBackend:Kafka:BootstrapServers is required", stdout + stderr, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Cosmos__Endpoint"] = _servers.CosmosGateway.Endpoint,
        ["Cosmos__Key"] = AzureServers.AnyCosmosKey,
        ["Cosmos__Database"] = _servers.Cosmos.Options.Database,
        ["Cosmos__Container"] = _servers.Cosmos.Options.Container,
        ["GameBackend__Kafka__BootstrapServers"] = _servers.Kafka.BootstrapServers,
        ["GameBackend__Azure__RedisConnectionString"] = $"127.0.0.1:{_servers.Redis.Port}",
        ["GameBackend__Relays__Servers__0__RelayId"] = "test-relay",
        ["GameBackend__Relays__Servers__0__Region"] = "test",
        ["GameBackend__Relays__Servers__0__Endpoint"] = "127.0.0.1:7777",
    };
}
