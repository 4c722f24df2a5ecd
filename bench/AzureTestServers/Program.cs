using GameBackend.Hosts.Azure.Tests;
using GameBackend.Kafka;
using GameBackend.Kafka.Tests;
using GameBackend.Stores.Cosmos.Tests;

// Starts cosmosdb-server (in memory) behind CosmosTestGateway and librdkafka's mock cluster, prints one line for the
// script, "servers: cosmos=<endpoint> database=<name> container=<name> kafka=<bootstrap servers>", and serves until
// it is told to stop (SIGTERM, Ctrl+C); cosmosdb-server ends with this process even when it is killed (LocalServerProcess). The events topic is created with 12 partitions, as a
// deployment would create it (the brokers would otherwise create it on first produce with their default).
var cosmos = new CosmosServerFixture();
await cosmos.InitializeAsync();
await using var gateway = await CosmosTestGateway.StartAsync(cosmos);
using var kafka = new MockKafkaCluster(brokers: 3);
kafka.CreateTopic(KafkaOptions.DefaultTopic, partitions: 12);

Console.WriteLine($"servers: cosmos={gateway.Endpoint} database={cosmos.Options.Database} container={cosmos.Options.Container} kafka={kafka.BootstrapServers}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

await cosmos.DisposeAsync();
