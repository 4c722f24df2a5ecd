using GameBackend.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GameBackend.Kafka;

/// <summary>Composition helpers for hosts: the Kafka bus for publishing, the consumer group for the analytics ingest.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="KafkaEventBus"/> the <see cref="IEventBus"/>, with <see cref="KafkaOptions"/> bound from
    /// <c>GameBackend:Kafka</c> and validated at start. A host that also ingests adds <see cref="AddKafkaIngestConsumer"/>.
    /// </summary>
    public static IServiceCollection AddKafkaEventBus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddKafkaOptions(services, configuration);
        services.TryAddSingleton<KafkaEventBus>();
        services.Replace(ServiceDescriptor.Singleton<IEventBus>(static sp => sp.GetRequiredService<KafkaEventBus>()));
        return services;
    }

    /// <summary>
    /// Runs <see cref="KafkaIngestConsumer"/> as a hosted service. The host registers the
    /// <see cref="Core.Analytics.IEventRecordHandler"/> it feeds (the analytics ingest).
    /// </summary>
    public static IServiceCollection AddKafkaIngestConsumer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddKafkaOptions(services, configuration);
        services.TryAddSingleton<KafkaIngestConsumer>();
        services.AddHostedService(static sp => sp.GetRequiredService<KafkaIngestConsumer>());
        return services;
    }

    private static void AddKafkaOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>());
    }
}
