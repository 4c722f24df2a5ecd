using GameBackend.SessionRelay.ControlPlane;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GameBackend.SessionRelay.Hosting;

/// <summary>Registers the relay, its heartbeats and its hosted service; shared by the container and Hosts.Local.</summary>
public static class SessionRelayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the relay bound to <paramref name="section"/>. A host that brings its own <see cref="IRelayControlPlane"/>
    /// registers it first; otherwise heartbeats go over HTTP to <c>BackendUrl</c>, or nowhere when it is empty.
    /// </summary>
    public static IServiceCollection AddSessionRelay(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<RelayOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RelayOptions>, RelayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var keys = new RelayKeyRing();
            keys.Load(sp.GetRequiredService<IOptions<RelayOptions>>().Value.Titles);
            return keys;
        });
        services.TryAddSingleton(static sp => new UdpRelay(
            sp.GetRequiredService<IOptions<RelayOptions>>().Value,
            sp.GetRequiredService<RelayKeyRing>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UdpRelay>>()));
        services.TryAddSingleton<IRelayControlPlane>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<RelayOptions>>().Value;
            return string.IsNullOrEmpty(options.BackendUrl)
                ? new NoRelayControlPlane()
                : new HttpRelayControlPlane(new Uri(options.BackendUrl), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<RelayHeartbeats>();
        services.AddHostedService<SessionRelayService>();
        return services;
    }
}
