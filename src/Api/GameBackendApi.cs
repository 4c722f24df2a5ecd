using GameBackend.Api.Accounts;
using GameBackend.Api.Admin;
using GameBackend.Api.Analytics;
using GameBackend.Api.Health;
using GameBackend.Api.Infrastructure;
using GameBackend.Api.Leaderboards;
using GameBackend.Api.Matchmaking;
using GameBackend.Api.Sessions;
using GameBackend.Api.Moderation;
using GameBackend.Api.PlayerData;
using GameBackend.Api.Privacy;
using GameBackend.Api.Profiles;
using GameBackend.Api.Social;
using GameBackend.Api.Progression;
using GameBackend.Core.Accounts;
using GameBackend.Core.Events;
using GameBackend.Core.Leaderboards;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Sessions;
using GameBackend.Core.Moderation;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Profiles;
using GameBackend.Core.Social;
using GameBackend.Core.Progression;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GameBackend.Api;

/// <summary>
/// The two calls every host makes, so a game client sees the same API on every cloud:
/// <code>
/// builder.Services.AddGameBackendApi(builder.Configuration);   // plus an IDocumentStore (and optionally a TimeProvider)
/// app.MapGameBackendApi();
/// </code>
/// </summary>
public static class GameBackendApi
{
    /// <summary>
    /// Registers Core's services, the API's options (validated at start-up), JSON metadata, OpenAPI, the rate
    /// limiter and the problem-details middleware (added in front of the host's pipeline). The host must
    /// register an <see cref="Core.Storage.IDocumentStore"/>; <see cref="TimeProvider.System"/> is used
    /// unless the host registers another <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddGameBackendApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TitleService>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton(static _ => new PasswordHasher());
        services.TryAddSingleton<BestEffortEventPublisher>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<ProfileService>();
        services.AddPlayerPrivacy();
        services.TryAddSingleton<IRankIndex, InProcessRankIndex>();
        services.TryAddSingleton<LeaderboardService>();
        services.TryAddSingleton<FriendLeaderboard>();
        services.TryAddSingleton<FriendService>();
        services.TryAddSingleton<ReportService>();
        services.TryAddSingleton<ProgressionService>();
        services.TryAddSingleton<PlayerStorageService>();
        services.AddMatchmaking(configuration);
        services.AddAnalytics();

        services.TryAddSingleton<ApiLimits>();
        services.TryAddSingleton<RequestThrottle>();
        services.TryAddSingleton<PlayerAuthFilter>();
        services.TryAddSingleton<ClientKeyFilter>();
        services.TryAddSingleton<ServerKeyFilter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ProblemStartupFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IDeveloperPageExceptionFilter, ClientErrorDeveloperPageFilter>());

        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "GameBackend API";
            document.Info.Version = "v1";
            document.Info.Description = "Every error is an RFC 9457 problem document (application/problem+json) with a stable `code`; see docs/errors.md.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Maps every route: /v1/…, /healthz, /readyz and /openapi/v1.json.</summary>
    public static IEndpointRouteBuilder MapGameBackendApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var player = services.GetRequiredService<PlayerAuthFilter>();
        var clientKey = services.GetRequiredService<ClientKeyFilter>();
        var serverKey = services.GetRequiredService<ServerKeyFilter>();

        var v1 = endpoints.MapGroup("/v1");
        AuthEndpoints.Map(v1, clientKey, serverKey, player);
        AccountEndpoints.Map(v1, player);
        ProfileEndpoints.Map(v1, player);
        PrivacyEndpoints.Map(v1, player, serverKey);
        LeaderboardEndpoints.Map(v1, player, serverKey);
        FriendEndpoints.Map(v1, player);
        ModerationEndpoints.Map(v1, player, serverKey);
        ProgressionEndpoints.Map(v1, player, serverKey);
        PlayerStorageEndpoints.Map(v1, player, serverKey);
        MatchmakingEndpoints.Map(v1, player, serverKey);
        IngestEndpoints.Map(v1, player);
        RelayKeyEndpoints.Map(v1, serverKey);
        RelayEndpoints.Map(v1, serverKey);
        AdminEndpoints.Map(v1, serverKey);
        AnalyticsQueryEndpoints.Map(v1, serverKey);
        HealthEndpoints.Map(endpoints);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return endpoints;
    }
}
