using GameBackend.Core.Analytics;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GameBackend.Api.Analytics;

/// <summary>
/// Registers Core's analytics for every host: the ingest handler (<see cref="IEventRecordHandler"/>, which hosts call
/// with the batches their trigger or consumer delivers; it archives through an <see cref="IEventArchive"/> when the host
/// registered one) and the queries behind the admin endpoints.
/// </summary>
public static class AnalyticsServiceCollectionExtensions
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static sp => new AnalyticsIngest(
            sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IEventArchive>()));
        services.TryAddSingleton<IEventRecordHandler>(static sp => sp.GetRequiredService<AnalyticsIngest>());
        services.TryAddSingleton<AnalyticsQueries>();
        services.Configure<JsonOptions>(o => o.SerializerOptions.TypeInfoResolverChain.Add(AnalyticsQueryJsonContext.Default));
        return services;
    }
}
