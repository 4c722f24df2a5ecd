using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GameBackend.Api.Tests;

/// <summary>A signed-in player as the tests see it.</summary>
public sealed record Session(string PlayerId, string AccessToken, string RefreshToken, bool Created);

/// <summary>Raw HTTP helpers: bodies are strings, so a test can send exactly the bytes it means (malformed ones too).</summary>
public static class ApiClient
{
    public static HttpRequestMessage Request(HttpMethod method, string url, string? json = null, string? accessToken = null, string? clientKey = null, string? serverKey = null)
    {
        var request = new HttpRequestMessage(method, url);
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

        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string? json = null, string? accessToken = null, string? clientKey = null, string? serverKey = null) =>
        client.SendAsync(Request(method, url, json, accessToken, clientKey, serverKey));

    public static string NewDeviceId() => "device-" + Guid.NewGuid().ToString("N");

    public static async Task<Session> SignInDeviceAsync(this HttpClient client, TestTitle title, string? deviceId = null)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId ?? NewDeviceId()}}"}""", clientKey: title.ClientKey);
        var body = await response.ReadJsonAsync(HttpStatusCode.OK);
        return SessionOf(body);
    }

    public static Session SessionOf(JsonElement body) => new(
        body.GetProperty("playerId").GetString()!,
        body.GetProperty("accessToken").GetString()!,
        body.GetProperty("refreshToken").GetString()!,
        body.GetProperty("created").GetBoolean());

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem document with this status and code; returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal("https://gamebackend.dev/errors/" + code, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    public static async Task<JsonElement> AssertProblemAsync(this Task<HttpResponseMessage> pending, int status, string code)
    {
        using var response = await pending;
        return await response.AssertProblemAsync(status, code);
    }
}
