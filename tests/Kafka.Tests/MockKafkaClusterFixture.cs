namespace GameBackend.Kafka.Tests;

/// <summary>One mock cluster per test class; tests isolate themselves with their own topic and group.</summary>
public sealed class MockKafkaClusterFixture : IDisposable
{
    public MockKafkaCluster Cluster { get; } = new(brokers: 3);

    public void Dispose() => Cluster.Dispose();
}
