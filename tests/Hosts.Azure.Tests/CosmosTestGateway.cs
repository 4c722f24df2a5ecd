using System.Net;
using GameBackend.Stores.Cosmos.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// Lets a separate Hosts.Azure process use the Cosmos test server the way the in-process tests do: a plain-HTTP endpoint on
/// 127.0.0.1 that passes every request through <see cref="CosmosTestServerCorrections"/> (which corrects what
/// cosmosdb-server answers differently from Cosmos DB, docs/deploy-azure.md) to the server, trusting only its certificate.
/// The handler's own code is unchanged; only its <c>Cosmos:Endpoint</c> names this gateway. Test and benchmark use only.
/// </summary>
public sealed class CosmosTestGateway : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private CosmosTestGateway(WebApplication app, HttpClient upstream, string endpoint)
    {
        _app = app;
        _upstream = upstream;
        Endpoint = endpoint;
    }

    /// <summary>The account endpoint to give the handler (<c>http://127.0.0.1:{port}/</c>).</summary>
    public string Endpoint { get; }

    public static async Task<CosmosTestGateway> StartAsync(CosmosServerFixture server)
    {
        var upstream = new HttpClient(server.Corrections, disposeHandler: false) { BaseAddress = new Uri(server.Endpoint), Timeout = TimeSpan.FromSeconds(60) };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => ForwardAsync(context, upstream));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new CosmosTestGateway(app, upstream, address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static async Task ForwardAsync(HttpContext context, HttpClient upstream)
    {
        var incoming = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), incoming.Path.ToUriComponent().TrimStart('/') + incoming.QueryString.ToUriComponent());
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await incoming.Body.CopyToAsync(body, context.RequestAborted);
            body.Position = 0;
            request.Content = new StreamContent(body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        if (response.StatusCode != HttpStatusCode.NoContent && response.StatusCode != HttpStatusCode.NotModified)
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
