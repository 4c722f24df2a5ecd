namespace GameBackend.Stores.Sqlite.Tests;

/// <summary>A folder under the system temp path, deleted with everything in it when the tests are done.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gamebackend-sqlite-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string NewDatabasePath() => System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
