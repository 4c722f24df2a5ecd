using System.Net;
using System.Text.Json;
using GameBackend.Api.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>What Lambda Web Adapter does with a non-HTTP event: POST the payload, as it came, to the pass-through path.</summary>
public static class PassThrough
{
    public static async Task<JsonElement> PostEventAsync(this HttpClient client, string payload, HttpStatusCode expected)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/events", payload);
        return await response.ReadJsonAsync(expected);
    }

    public static async Task<JsonElement> PostEventAsync(this HttpClient client, string payload, int status, string code)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/events", payload);
        return await response.AssertProblemAsync(status, code);
    }

    public static async Task<JsonElement> OkAsync(this Task<HttpResponseMessage> pending)
    {
        using var response = await pending;
        return await response.ReadJsonAsync(HttpStatusCode.OK);
    }
}
