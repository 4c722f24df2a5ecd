using Azure.Core;
using Azure.Storage.Blobs;
using GameBackend.Archive.Parquet;
using GameBackend.Core.Storage;

namespace GameBackend.Archive.Blob;

/// <summary>
/// Where the Blob Storage object store keeps objects (section <c>GameBackend:Archive:Blob</c>): a container, reached
/// either with a connection string (account key or SAS; Azurite's well-known one in tests) or with the container's
/// URL and the host's managed identity.
/// </summary>
public sealed class BlobObjectStoreOptions : ICheckedOptions
{
    public const string SectionName = "GameBackend:Archive:Blob";
    public const int MaxListPageSize = 5000;

    /// <summary>A storage connection string; leave empty to use <see cref="ServiceUri"/> with a token credential.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service URL (https://{account}.blob.core.windows.net), used with the host's token credential.</summary>
    public string? ServiceUri { get; set; }

    /// <summary>The container; it must exist (the deployment template creates it), the store never creates one.</summary>
    public string ContainerName { get; set => field = value ?? ""; } = "";

    /// <summary>Put before every blob name, so one container can hold several deployments: empty, or ending with '/'.</summary>
    public string Prefix { get; set => field = value ?? ""; } = "";

    /// <summary>Blobs per listing call (Blob Storage returns at most 5000).</summary>
    public int ListPageSize { get; set; } = MaxListPageSize;

    /// <summary>Null when the options are usable, otherwise why not.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == string.IsNullOrWhiteSpace(ServiceUri))
        {
            return $"{SectionName}: set exactly one of ConnectionString and ServiceUri.";
        }

        if (!string.IsNullOrWhiteSpace(ServiceUri) && !Uri.TryCreate(ServiceUri, UriKind.Absolute, out _))
        {
            return $"{SectionName}:ServiceUri must be an absolute URL (was \"{ServiceUri}\").";
        }

        // Container names: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
        if (ContainerName.Length is < 3 or > 63
            || ContainerName.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-")
            || ContainerName[0] == '-' || ContainerName[^1] == '-' || ContainerName.Contains("--", StringComparison.Ordinal))
        {
            return $"{SectionName}:ContainerName must be a container name (3 to 63 lowercase letters, digits and single hyphens; was \"{ContainerName}\").";
        }

        if (Prefix.Length > 0 && (!Prefix.EndsWith('/') || ObjectKeys.Problem(Prefix[..^1]) is not null))
        {
            return $"{SectionName}:Prefix must be empty or a valid key path ending with '/' (was \"{Prefix}\").";
        }

        return ListPageSize is < 1 or > MaxListPageSize ? $"{SectionName}:ListPageSize must be 1 to {MaxListPageSize}." : null;
    }

    /// <summary>The container's client: from the connection string, or from the service URL and <paramref name="credential"/>.</summary>
    public BlobContainerClient CreateContainerClient(TokenCredential? credential = null)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new BlobContainerClient(ConnectionString, ContainerName);
        }

        var service = new BlobServiceClient(
            new Uri(ServiceUri!),
            credential ?? throw new InvalidOperationException($"{SectionName}:ServiceUri needs a TokenCredential (register one, such as the managed identity's)."));
        return service.GetBlobContainerClient(ContainerName);
    }
}
