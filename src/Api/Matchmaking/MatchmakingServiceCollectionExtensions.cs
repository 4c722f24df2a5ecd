using GameBackend.Core.Events;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GameBackend.Api.Matchmaking;

/// <summary>
/// Relays from configuration (section <c>GameBackend:Relays</c>, a list of { relayId, region, endpoint }): the last resort
/// of allocation when no relay registered by heartbeat is healthy (see <see cref="RegistryRelayDirectory"/>). A match goes
/// to a configured relay of its region, or to the first one listed.
/// </summary>
public sealed class RelayOptions
{
    public const string SectionName = "GameBackend:Relays";

    public List<RelayServerOptions> Servers { get; set; } = [];
}

public sealed class RelayServerOptions
{
    public string RelayId { get; set; } = "";

    public string Region { get; set; } = "";

    /// <summary>host:port the game client sends UDP to.</summary>
    public string Endpoint { get; set; } = "";
}

internal sealed class RelayOptionsValidator : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        foreach (var relay in options.Servers)
        {
            if (string.IsNullOrWhiteSpace(relay.RelayId) || string.IsNullOrWhiteSpace(relay.Endpoint) || !MatchmakingRules.IsValidId(relay.Region))
            {
                return ValidateOptionsResult.Fail($"{RelayOptions.SectionName}:Servers: every relay needs a relayId, an endpoint (host:port) and a region of a-z, 0-9, _ and -.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// Registers matchmaking, ratings, the relay registry and directory (registered relays first, configured ones as the last
/// resort) and (unless the host brings its own) the in-process event bus.
/// </summary>
public static class MatchmakingServiceCollectionExtensions
{
    public static IServiceCollection AddMatchmaking(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RelayOptions>().Bind(configuration.GetSection(RelayOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RelayOptions>, RelayOptionsValidator>());
        services.TryAddSingleton(static sp => new ConfiguredRelayDirectory(
            sp.GetRequiredService<IOptions<RelayOptions>>().Value.Servers.Select(r => new RelayServer(r.RelayId, r.Region, r.Endpoint))));
        services.TryAddSingleton<RelayRegistry>();
        services.TryAddSingleton<RelayAuthentication>();
        services.TryAddSingleton<IRelayDirectory>(static sp => new RegistryRelayDirectory(
            sp.GetRequiredService<RelayRegistry>(), sp.GetRequiredService<ConfiguredRelayDirectory>(), sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(static sp => new InProcessEventBus(sp.GetServices<IEventConsumer>()));
        services.TryAddSingleton<IEventBus>(static sp => sp.GetRequiredService<InProcessEventBus>());
        services.AddHostedService<InProcessEventPump>();

        services.TryAddSingleton<QueueService>();
        services.TryAddSingleton<PlayerRatings>();
        services.TryAddSingleton<TicketService>();
        services.TryAddSingleton<MatchmakingTick>();
        services.TryAddSingleton<MatchResults>();
        return services;
    }
}

/// <summary>Drains the in-process event bus while the host runs (does nothing when the host registered another bus).</summary>
internal sealed class InProcessEventPump(IEventBus bus) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        bus is InProcessEventBus inProcess ? inProcess.RunAsync(stoppingToken) : Task.CompletedTask;
}
