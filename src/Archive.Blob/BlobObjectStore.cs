using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using GameBackend.Core.Analytics;
using GameBackend.Core.Storage;

namespace GameBackend.Archive.Blob;

/// <summary>
/// The object store on Azure Blob Storage: one container, an optional name prefix, block blobs. A put is one upload
/// without conditions, so it replaces an existing blob whole; Blob Storage commits it durably before answering.
/// </summary>
public sealed class BlobObjectStore : IObjectStore
{
    private readonly BlobContainerClient container;
    private readonly BlobObjectStoreOptions options;

    public BlobObjectStore(BlobContainerClient container, BlobObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        this.container = container;
        this.options = options;
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(BlobName(key));
        await blob.UploadAsync(
            BinaryData.FromBytes(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(BlobName(key));
        try
        {
            var download = await blob.DownloadContentAsync(cancellationToken);
            return download.Value.Content.ToArray();
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            // Only a missing blob is "no object"; a missing container is a deployment error and stays one.
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, nameof(prefix));
        var blobs = container.GetBlobsAsync(new GetBlobsOptions { Prefix = options.Prefix + prefix }, cancellationToken);

        // Blob Storage lists in UTF-8 byte order, which is ordinal order for every key the archive writes.
        await foreach (var page in blobs.AsPages(pageSizeHint: options.ListPageSize).WithCancellation(cancellationToken))
        {
            foreach (var item in page.Values)
            {
                yield return item.Name[options.Prefix.Length..];
            }
        }
    }

    private string BlobName(string key)
    {
        ObjectKeys.Validate(key, nameof(key));
        var name = options.Prefix + key;
        if (name.Length > ObjectKeys.MaxUtf8Bytes)
        {
            throw new ArgumentException($"The key \"{key}\" is too long behind the prefix \"{options.Prefix}\" (blob names have at most {ObjectKeys.MaxUtf8Bytes} characters).", nameof(key));
        }

        return name;
    }
}
