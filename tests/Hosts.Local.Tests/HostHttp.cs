using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GameBackend.Hosts.Local.Tests;

/// <summary>One request to the host with the credentials the API knows, asserting the status and returning the JSON body.</summary>
public static partial class HostHttp
{
    /// <summary>The keys of the title a fresh data folder gets, from the line the host prints on its first start.</summary>
    public static (string TitleId, string ClientKey, string ServerKey) DefaultTitle(LocalHostProcess host)
    {
        var created = CreatedLine().Match(host.LineStartingWith("GameBackend default title") ?? "");
        Assert.True(created.Success, host.Output);
        return (created.Groups["title"].Value, created.Groups["client"].Value, created.Groups["server"].Value);
    }

    public static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string url, string? json, HttpStatusCode expected, string? accessToken = null, string? clientKey = null, string? serverKey = null)
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

    [GeneratedRegex(@"^GameBackend default title created: titleId=(?<title>[0-9a-f]{32}) clientKey=(?<client>\S+) serverKey=(?<server>\S+)$")]
    private static partial Regex CreatedLine();
}
