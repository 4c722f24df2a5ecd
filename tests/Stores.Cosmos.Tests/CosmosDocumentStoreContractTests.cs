using GameBackend.Core.Storage;
using GameBackend.Stores.ContractTests;

namespace GameBackend.Stores.Cosmos.Tests;

/// <summary>Runs the shared store contract, unchanged, against cosmosdb-server: one container, a fresh title per test.</summary>
[Collection(CosmosServerCollection.Name)]
public sealed class CosmosDocumentStoreContractTests(CosmosServerFixture cosmos) : DocumentStoreContract
{
    protected override Task<IDocumentStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IDocumentStore>(new CosmosDocumentStore(cosmos.Client, cosmos.Options, time));
}
