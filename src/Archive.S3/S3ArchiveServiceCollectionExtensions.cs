using GameBackend.Archive.Parquet;
using GameBackend.Core.Analytics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Archive.S3;

/// <summary>How Hosts.Aws turns the S3 archive on.</summary>
public static class S3ArchiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="S3ObjectStore"/> as the <see cref="IObjectStore"/> (settings in <c>GameBackend:Archive:S3</c>,
    /// credentials from the SDK's default chain) and the Parquet archive over it (<c>GameBackend:Archive</c>); both are
    /// checked at start, so a host without a bucket name does not start.
    /// </summary>
    public static IServiceCollection AddS3EventArchive(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<S3ObjectStoreOptions>().Bind(configuration.GetSection(S3ObjectStoreOptions.SectionName));
        return services.AddParquetEventArchive<S3ObjectStoreOptions>(
            configuration,
            static (_, options) => new S3ObjectStore(options.CreateClient(), options));
    }
}
