using System.Net;
using System.Text.Json;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Api.Tests.Infrastructure;

[Collection(ApiCollection.Name)]
public sealed class HttpSurfaceTests(SharedApiFactory factory)
{
    [Fact]
    public async Task Healthz_answers_200()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/healthz");
        var body = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_answers_200_when_the_store_reads()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/readyz");
        await response.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readyz_answers_503_problem_when_the_store_fails()
    {
        await using var broken = new ApiFactory(null, services =>
        {
            services.AddSingleton<IDocumentStore, FailingStore>();
        });
        using var client = broken.CreateClient();
        await client.GetAsync("/readyz").AssertProblemAsync(503, "not_ready");
    }

    [Fact]
    public async Task OpenApi_document_lists_every_route_with_tags_and_problem_responses()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var document = await response.ReadJsonAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        (string Path, string Method, string Tag)[] expected =
        [
            ("/v1/auth/device", "post", "Auth"),
            ("/v1/auth/email/signup", "post", "Auth"),
            ("/v1/auth/email", "post", "Auth"),
            ("/v1/auth/custom", "post", "Auth"),
            ("/v1/auth/refresh", "post", "Auth"),
            ("/v1/auth/signout", "post", "Auth"),
            ("/v1/account", "get", "Accounts"),
            ("/v1/account/link/device", "post", "Accounts"),
            ("/v1/account/link/email", "post", "Accounts"),
            ("/v1/account/unlink", "post", "Accounts"),
            ("/v1/profile", "get", "Profiles"),
            ("/v1/profile", "patch", "Profiles"),
            ("/v1/players/{playerId}/profile", "get", "Profiles"),
            ("/v1/admin/players/{playerId}", "get", "Admin"),
            ("/v1/admin/players/{playerId}/disable", "post", "Admin"),
            ("/v1/admin/players/{playerId}/enable", "post", "Admin"),
            ("/v1/admin/players/{playerId}/ban", "put", "Admin"),
            ("/v1/admin/players/{playerId}/ban", "delete", "Admin"),
            ("/v1/admin/players/{playerId}/link/custom", "post", "Admin"),
            ("/v1/admin/keys/server/rotate", "post", "Admin"),
            ("/v1/admin/keys/signing/rotate", "post", "Admin"),
            ("/v1/admin/title/settings", "get", "Admin"),
            ("/v1/admin/title/settings", "put", "Admin"),
            ("/v1/admin/matchmaking/queues/{queueId}", "put", "Matchmaking"),
            ("/v1/admin/matchmaking/queues/{queueId}/tick", "post", "Matchmaking"),
            ("/v1/admin/matchmaking/queues/{queueId}/tickets", "post", "Matchmaking"),
            ("/v1/admin/matchmaking/queues/{queueId}/matches/{matchId}/result", "post", "Matchmaking"),
            ("/v1/matchmaking/queues/{queueId}/tickets", "post", "Matchmaking"),
            ("/v1/matchmaking/queues/{queueId}/tickets/{ticketId}", "get", "Matchmaking"),
            ("/v1/matchmaking/queues/{queueId}/tickets/{ticketId}", "delete", "Matchmaking"),
            ("/v1/matchmaking/tickets/current", "get", "Matchmaking"),
            ("/v1/matchmaking/queues/{queueId}/matches/{matchId}/result", "post", "Matchmaking"),
            ("/v1/matchmaking/ratings", "get", "Matchmaking"),
            ("/v1/admin/keys/relay", "get", "Sessions"),
            ("/v1/admin/keys/relay/rotate", "post", "Sessions"),
            ("/v1/relays/heartbeat", "post", "Sessions"),
            ("/v1/admin/relays", "get", "Sessions"),
            ("/healthz", "get", "Health"),
            ("/readyz", "get", "Health"),
        ];
        foreach (var (path, method, tag) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing path {path}");
            Assert.True(item.TryGetProperty(method, out var operation), $"missing {method} {path}");
            Assert.Contains(operation.GetProperty("tags").EnumerateArray(), t => t.GetString() == tag);
            if (path.StartsWith("/v1/", StringComparison.Ordinal))
            {
                var responses = operation.GetProperty("responses");
                Assert.True(responses.TryGetProperty("429", out var tooMany), $"{method} {path} documents no 429");
                Assert.True(tooMany.GetProperty("content").TryGetProperty("application/problem+json", out _));
                Assert.True(responses.TryGetProperty("401", out _), $"{method} {path} documents no 401");
            }
        }

        var device = paths.GetProperty("/v1/auth/device").GetProperty("post");
        Assert.True(device.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(device.GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(device.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(device.GetProperty("responses").TryGetProperty("413", out _));
    }

    [Fact]
    public async Task Unknown_route_is_404_problem()
    {
        using var client = factory.CreateClient();
        await client.GetAsync("/v1/does-not-exist").AssertProblemAsync(404, "not_found");
        await client.GetAsync("/v2/profile").AssertProblemAsync(404, "not_found");
    }

    [Fact]
    public async Task Wrong_method_is_405_problem()
    {
        using var client = factory.CreateClient();
        await client.DeleteAsync("/v1/profile").AssertProblemAsync(405, "method_not_allowed");
        await client.GetAsync("/v1/auth/device").AssertProblemAsync(405, "method_not_allowed");
    }

    [Fact]
    public async Task Problem_documents_carry_instance_and_no_cache()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/v1/does-not-exist");
        var problem = await response.AssertProblemAsync(404, "not_found");
        Assert.Equal("/v1/does-not-exist", problem.GetProperty("instance").GetString());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_bug_is_500_internal_error_without_details_and_a_bad_continuation_token_is_400()
    {
        await using var withFaults = new ApiFactory(null, services =>
            services.AddSingleton<IStartupFilter, FaultRoutes>());
        using var client = withFaults.CreateClient();

        using var response = await client.GetAsync("/test/bug");
        var problem = await response.AssertProblemAsync(500, "internal_error");
        Assert.DoesNotContain("secret", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("InvalidOperationException", problem.GetRawText(), StringComparison.Ordinal);

        await client.GetAsync("/test/continuation").AssertProblemAsync(400, "invalid_continuation_token");
    }

    [Fact]
    public async Task Json_responses_are_camel_case()
    {
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        using var response = await client.SendAsync(HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{ApiClient.NewDeviceId()}}"}""", clientKey: title.ClientKey);
        var body = await response.ReadJsonAsync(HttpStatusCode.OK);
        var names = body.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["playerId", "created", "accessToken", "accessTokenExpiresAt", "refreshToken", "refreshTokenExpiresAt"], names);
        Assert.Equal(JsonValueKind.True, body.GetProperty("created").ValueKind);
    }

    /// <summary>Routes inside the problem middleware that fail the way bugs and stores fail.</summary>
    private sealed class FaultRoutes : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/test/bug", a => a.Run(_ => throw new InvalidOperationException("secret connection string")));
            app.Map("/test/continuation", a => a.Run(_ => throw new InvalidContinuationTokenException()));
            next(app);
        };
    }

    /// <summary>Lets the host start (its default-title bootstrap reads and creates), then fails every probe read.</summary>
    private sealed class FailingStore : IDocumentStore
    {
        public Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default) =>
            key.Partition == "health" ? throw new IOException("disk gone") : Task.FromResult<StoredItem?>(null);

        public Task<WriteResult> CreateAsync(NewItem item, CancellationToken cancellationToken = default) => Task.FromResult(new WriteResult(WriteOutcome.Written, "1"));

        public Task<WriteResult> ReplaceAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken = default) => throw new IOException("disk gone");

        public Task<WriteResult> DeleteAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken = default) => throw new IOException("disk gone");

        public Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default) => throw new IOException("disk gone");

        public Task<QueryPage> QueryAsync(Query query, CancellationToken cancellationToken = default) => throw new IOException("disk gone");
    }
}
