using Azure.Core;
using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Archive.Blob;

/// <summary>How Hosts.Azure turns the Blob Storage archive on.</summary>
public static class BlobArchiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BlobObjectStore"/> as the <see cref="IObjectStore"/> (settings in <c>GameBackend:Archive:Blob</c>)
    /// and the Parquet archive over it (<c>GameBackend:Archive</c>); both are checked at start. With
    /// <see cref="BlobObjectStoreOptions.ServiceUri"/>, the host registers the <see cref="TokenCredential"/> to use.
    /// </summary>
    public static IServiceCollection AddBlobEventArchive(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BlobObjectStoreOptions>().Bind(configuration.GetSection(BlobObjectStoreOptions.SectionName));
        return services.AddParquetEventArchive<BlobObjectStoreOptions>(
            configuration,
            static (services, options) => new BlobObjectStore(options.CreateContainerClient(services.GetService<TokenCredential>()), options));
    }
}
