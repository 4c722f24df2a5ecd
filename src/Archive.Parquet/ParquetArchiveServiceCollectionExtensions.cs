using System.Diagnostics.CodeAnalysis;
using GameBackend.Core.Analytics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GameBackend.Archive.Parquet;

/// <summary>Settings that can say what is wrong with them, so one validator checks every archive setting at start.</summary>
public interface ICheckedOptions
{
    /// <summary>Null when the settings are usable, otherwise why not (naming the configuration key).</summary>
    string? Problem();
}

/// <summary>How hosts turn the archive on; the object store under it is the host's choice (folder, S3, Blob Storage).</summary>
public static class ParquetArchiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ParquetEventArchive"/> as the <see cref="IEventArchive"/>, over the <see cref="IObjectStore"/>
    /// the host registers, with <see cref="ParquetEventArchiveOptions"/> from <c>GameBackend:Archive</c> checked at start.
    /// </summary>
    public static IServiceCollection AddParquetEventArchive(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ParquetEventArchiveOptions>().Bind(configuration.GetSection(ParquetEventArchiveOptions.SectionName));
        services.AddCheckedOptions<ParquetEventArchiveOptions>();
        services.TryAddSingleton<IEventArchive>(static services => new ParquetEventArchive(
            services.GetRequiredService<IObjectStore>(),
            services.GetRequiredService<IOptions<ParquetEventArchiveOptions>>().Value));
        return services;
    }

    /// <summary>
    /// The archive over a cloud object store: <paramref name="createStore"/> makes the <see cref="IObjectStore"/> from the
    /// store's settings (which the caller has bound, so the binding stays source-generated), and both the store's and
    /// the archive's settings are checked at start.
    /// </summary>
    public static IServiceCollection AddParquetEventArchive<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TStoreOptions>(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, TStoreOptions, IObjectStore> createStore)
        where TStoreOptions : class, ICheckedOptions
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(createStore);
        services.AddCheckedOptions<TStoreOptions>();
        services.TryAddSingleton(services => createStore(services, services.GetRequiredService<IOptions<TStoreOptions>>().Value));
        return services.AddParquetEventArchive(configuration);
    }

    private static void AddCheckedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IServiceCollection services)
        where TOptions : class, ICheckedOptions
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, CheckedOptionsValidator<TOptions>>());
    }

    private sealed class CheckedOptionsValidator<TOptions> : IValidateOptions<TOptions>
        where TOptions : class, ICheckedOptions
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
