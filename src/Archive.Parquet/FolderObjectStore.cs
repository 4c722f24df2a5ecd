using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GameBackend.Core.Analytics;
using GameBackend.Core.Storage;

namespace GameBackend.Archive.Parquet;

/// <summary>
/// An object store in a local folder, for Hosts.Local: a key is a relative file path under <see cref="Root"/>. A put
/// writes a hidden temporary file beside the target, flushes it to disk and renames it over the target, so a reader (or
/// a crash) sees the old object or the new one, never half of one; on Linux and macOS the folder is flushed too, so the
/// rename itself survives a power cut. Keys follow <see cref="ObjectKeys"/>, so none can leave the folder. The content
/// type is not kept (files have none).
/// </summary>
public sealed partial class FolderObjectStore : IObjectStore
{
    private const string TemporarySuffix = ".partial";

    public FolderObjectStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>The folder's absolute path.</summary>
    public string Root { get; }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);

        // Hidden (leading '.'), so it is never a valid key: listings skip it and no put can collide with it. Its name is
        // short whatever the key's, so a key segment at the file-name limit still has room for it.
        var temporary = Path.Combine(folder, "." + Guid.NewGuid().ToString("N") + TemporarySuffix);
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        FlushFolder(folder);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException
            || (exception is UnauthorizedAccessException && Directory.Exists(path)))
        {
            // A folder at the key's path is a prefix of other keys, not an object.
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, nameof(prefix));

        // Walk only the folder the prefix names completely ("events/title=x/da" walks events/title=x).
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? Root : Path.Combine(Root, prefix[..lastSlash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            yield break;
        }

        // Enumerating a folder tree blocks; keep it off the caller's thread.
        var keys = await Task.Run(() => KeysUnder(start, prefix, cancellationToken), cancellationToken);
        foreach (var key in keys)
        {
            yield return key;
        }
    }

    private List<string> KeysUnder(string folder, string prefix, CancellationToken cancellationToken)
    {
        var walk = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        var keys = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", walk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');

            // Temporary files (and anything else that is not a valid key) are not objects.
            if (key.StartsWith(prefix, StringComparison.Ordinal) && ObjectKeys.Problem(key) is null)
            {
                keys.Add(key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private string PathOf(string key)
    {
        ObjectKeys.Validate(key, nameof(key));
        var path = Path.GetFullPath(Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar)));

        // ObjectKeys already rules out '..' and absolute keys; this is the belt to those braces.
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The key \"{key}\" leaves the store's folder.", nameof(key));
        }

        return path;
    }

    /// <summary>fsync on the folder makes a rename in it durable; .NET opens no folder handle, so libc does it.</summary>
    private static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(folder, 0 /* O_RDONLY */);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open {folder} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Cannot flush {folder} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
