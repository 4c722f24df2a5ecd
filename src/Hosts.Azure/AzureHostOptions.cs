using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Azure;

/// <summary>
/// Settings of the Azure host (section <c>GameBackend:Azure</c>; as app settings <c>GameBackend__Azure__…</c>). The API's own
/// settings live in <c>GameBackend:Api</c> and <c>GameBackend:RateLimits</c>, the document store's in <c>Cosmos</c>
/// (see Stores.Cosmos' CosmosDocumentStoreOptions).
/// </summary>
public sealed class AzureHostOptions
{
    public const string SectionName = "GameBackend:Azure";

    /// <summary>
    /// Azure Cache for Redis, StackExchange.Redis syntax (<c>name.redis.cache.windows.net:6380,password=…,ssl=True</c>):
    /// the rank index every instance shares. Required: an in-process index would differ per instance.
    /// </summary>
    public string RedisConnectionString { get; set; } = "";

    /// <summary>Prefix of every rank-index key, so one cache can serve several cells.</summary>
    public string RedisKeyPrefix { get; set; } = "gb";

    /// <summary>
    /// Client id of the user-assigned managed identity the host signs in to Blob Storage with (the archive, when
    /// <c>GameBackend:Archive:Blob:ServiceUri</c> is set); empty means the system-assigned identity.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}

internal sealed class AzureHostOptionsValidator : IValidateOptions<AzureHostOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureHostOptions options)
    {
        List<string>? failures = null;
        if (string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            (failures ??= []).Add($"{AzureHostOptions.SectionName}:RedisConnectionString is required (the rank index every instance shares).");
        }

        if (string.IsNullOrWhiteSpace(options.RedisKeyPrefix) || options.RedisKeyPrefix.Contains('{', StringComparison.Ordinal) || options.RedisKeyPrefix.Contains('}', StringComparison.Ordinal))
        {
            (failures ??= []).Add($"{AzureHostOptions.SectionName}:RedisKeyPrefix must be non-empty and without braces.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
