using System.Net;
using GameBackend.Core.Tenancy;

namespace GameBackend.Api.Tests.Infrastructure;

/// <summary>Token buckets per client and per title; low limits here prove the 429 path.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Per_client_limit_from_configuration_answers_429_with_retry_after()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["GameBackend:RateLimits:RequestsPerSecondPerClient"] = "3",
        });
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: title.ClientKey);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            await limited.AssertProblemAsync(429, "rate_limited");
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 1);
    }

    [Fact]
    public async Task Per_client_limit_from_title_settings_limits_a_player_but_not_the_others()
    {
        await using var factory = new ApiFactory();
        var title = await factory.CreateTitleAsync(new TitleSettings { RequestsPerSecondPerClient = 3 });
        using var client = factory.CreateClient();
        var busy = await SignInPatientlyAsync(client, title);

        var limited = false;
        for (var i = 0; i < 10 && !limited; i++)
        {
            using var response = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: busy.AccessToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await response.AssertProblemAsync(429, "rate_limited");
                Assert.NotNull(response.Headers.RetryAfter);
                limited = true;
            }
        }

        Assert.True(limited, "a player over its own limit is throttled");

        // Another player of the same title has its own bucket. (Sign-in shares the address bucket with the
        // busy player's sign-in, so it may have to wait a moment.)
        var quiet = await SignInPatientlyAsync(client, title);
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

        var limited = false;
        for (var i = 0; i < 12 && !limited; i++)
        {
            using var response = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: small.ClientKey);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests;
            if (limited)
            {
                await response.AssertProblemAsync(429, "rate_limited");
            }
        }

        Assert.True(limited);
        for (var i = 0; i < 8; i++)
        {
            await client.SignInDeviceAsync(other);
        }
    }

    [Fact]
    public async Task Rate_limited_sign_in_creates_nothing()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["GameBackend:RateLimits:RequestsPerSecondPerClient"] = "1",
        });
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        await client.SignInDeviceAsync(title);
        var deviceId = ApiClient.NewDeviceId();
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}"}""", clientKey: title.ClientKey).AssertProblemAsync(429, "rate_limited");

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}","create":false}""", clientKey: title.ClientKey)
            .AssertProblemAsync(404, "account_not_found");
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
}
