using GameBackend.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GameBackend.Stores.Cosmos;

/// <summary>Registers the Cosmos DB document store for a host (Hosts.Azure).</summary>
public static class CosmosServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CosmosDocumentStoreOptions"/> from the <c>Cosmos</c> section of <paramref name="configuration"/>,
    /// validates them at start-up and registers <see cref="IDocumentStore"/>. The <see cref="CosmosClient"/> is created on
    /// the store's first call, not at start-up, so a cold start that serves no storage request pays nothing for it.
    /// </summary>
    public static IServiceCollection AddCosmosDocumentStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CosmosDocumentStoreOptions>().Bind(configuration.GetSection(CosmosDocumentStoreOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CosmosDocumentStoreOptions>, CosmosDocumentStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<CosmosDocumentStoreOptions>>().Value;
            return new Lazy<CosmosClient>(() => options.CreateClient());
        });
        services.TryAddSingleton<IDocumentStore>(static sp => new CosmosDocumentStore(
            sp.GetRequiredService<Lazy<CosmosClient>>(),
            sp.GetRequiredService<IOptions<CosmosDocumentStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}

internal sealed class CosmosDocumentStoreOptionsValidator : IValidateOptions<CosmosDocumentStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, CosmosDocumentStoreOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
