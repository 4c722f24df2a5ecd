using Microsoft.Extensions.Configuration.Memory;

namespace GameBackend.Hosts.Local;

/// <summary>Settings glue between the in-process session relay and the relay directory matchmaking allocates from.</summary>
internal static class LocalRelay
{
    public const string SectionName = "GameBackend:Relay";
    public const string EnabledKey = SectionName + ":Enabled";
    public const string DefaultEndpoint = "127.0.0.1:7777";

    /// <summary>
    /// When no relay is configured under <c>GameBackend:Relays:Servers</c>, lists the in-process relay (at its public
    /// endpoint, else its bound one) as the only relay, so tokens and endpoints handed out always match the relay that
    /// runs. With the relay turned off it lists <see cref="DefaultEndpoint"/>, for a relay started separately.
    /// </summary>
    public static void ConfigureDirectory(ConfigurationManager configuration)
    {
        if (configuration.GetSection("GameBackend:Relays:Servers").GetChildren().Any())
        {
            return;
        }

        var endpoint = configuration[SectionName + ":PublicEndpoint"];
        if (string.IsNullOrEmpty(endpoint))
        {
            endpoint = configuration[SectionName + ":Endpoint"] ?? DefaultEndpoint;
        }

        if (!configuration.GetValue(EnabledKey, true))
        {
            endpoint = DefaultEndpoint;
        }

        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["GameBackend:Relays:Servers:0:RelayId"] = configuration[SectionName + ":RelayId"] ?? "local",
                ["GameBackend:Relays:Servers:0:Region"] = configuration[SectionName + ":Region"] ?? "local",
                ["GameBackend:Relays:Servers:0:Endpoint"] = endpoint,
            },
        });
    }
}
