using System.Net;
using GameBackend.Core.Tenancy;

namespace GameBackend.Api.Tests.Infrastructure;

/// <summary>
/// Token buckets per client and per title; low limits here prove the 429 path. Requests go out as concurrent
/// bursts far above the limit, so a slow machine (buckets refill while requests crawl) cannot hide a 429.
/// </summary>
public sealed class RateLimitTests
{
    private const int Burst = 24;

    [Fact]
    public async Task Per_client_limit_from_configuration_answers_429_with_retry_after_and_creates_nothing()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["GameBackend:RateLimits:RequestsPerSecondPerClient"] = "3",
        });
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        var deviceIds = Enumerable.Range(0, Burst).Select(_ => ApiClient.NewDeviceId()).ToArray();
        var responses = await Task.WhenAll(deviceIds.Select(id =>
            client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{id}}"}""", clientKey: title.ClientKey)));
        try
        {
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
            Assert.NotEmpty(limited);
            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
            foreach (var response in limited)
            {
                await response.AssertProblemAsync(429, "rate_limited");
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
            }

            // A throttled sign-in created nothing (a few of them are checked; the bucket refills at 3/s).
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var throttledDevices = deviceIds.Where((_, i) => responses[i].StatusCode == HttpStatusCode.TooManyRequests).Take(3);
            foreach (var deviceId in throttledDevices)
            {
                await WaitForPermitAsync(() => client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}","create":false}""", clientKey: title.ClientKey), 404, "account_not_found");
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Per_client_limit_from_title_settings_limits_a_player_but_not_another()
    {
        await using var factory = new ApiFactory();
        var title = await factory.CreateTitleAsync(new TitleSettings { RequestsPerSecondPerClient = 3 });
        using var client = factory.CreateClient();
        var busy = await SignInPatientlyAsync(client, title);
        var quiet = await SignInPatientlyAsync(client, title);

        var responses = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: busy.AccessToken)));
        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        await limited.AssertProblemAsync(429, "rate_limited");
        Assert.NotNull(limited.Headers.RetryAfter);
        foreach (var response in responses)
        {
            response.Dispose();
        }

        // The other player of the same title has its own bucket.
        using var ok = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: quiet.AccessToken);
        await ok.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Per_title_limit_applies_to_all_clients_together_and_not_to_other_titles()
    {
        await using var factory = new ApiFactory();
        var small = await factory.CreateTitleAsync(new TitleSettings { RequestsPerSecond = 4 });
        var other = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ =>
            client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: small.ClientKey)));
        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        await limited.AssertProblemAsync(429, "rate_limited");
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var others = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ =>
            client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: other.ClientKey)));
        Assert.All(others, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in others)
        {
            response.Dispose();
        }
    }

    private static async Task<Session> SignInPatientlyAsync(HttpClient client, TestTitle title)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: title.ClientKey);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt > 20)
            {
                return ApiClient.SessionOf(await response.ReadJsonAsync(HttpStatusCode.OK));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }
    }

    private static async Task WaitForPermitAsync(Func<Task<HttpResponseMessage>> send, int status, string code)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await send();
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt > 20)
            {
                await response.AssertProblemAsync(status, code);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }
    }
}
