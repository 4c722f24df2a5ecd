using GameBackend.Core.Storage;
using GameBackend.Stores.ContractTests;

namespace GameBackend.Stores.DynamoDb.Tests;

/// <summary>Runs the shared store contract, unchanged, against DynamoDB Local: one table, a fresh title per test.</summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class DynamoDbDocumentStoreContractTests(DynamoDbLocalFixture dynamoDb) : DocumentStoreContract
{
    protected override Task<IDocumentStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IDocumentStore>(new DynamoDbDocumentStore(dynamoDb.Client, dynamoDb.Options(dynamoDb.SharedTable), time));
}
