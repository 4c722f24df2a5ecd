using GameBackend.Core.Storage;
using GameBackend.Stores.ContractTests;

namespace GameBackend.Stores.Sqlite.Tests;

/// <summary>Runs the shared store contract against SQLite, each test on a fresh file in the class's temporary folder.</summary>
public sealed class SqliteDocumentStoreContractTests(TemporaryFolder folder) : DocumentStoreContract, IClassFixture<TemporaryFolder>
{
    protected override Task<IDocumentStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IDocumentStore>(new SqliteDocumentStore(new SqliteDocumentStoreOptions(folder.NewDatabasePath()), time));
}
