using System.Globalization;
using GameBackend.Kafka.Tests;

// librdkafka's mock cluster (3 brokers on 127.0.0.1) in a process of its own, so a benchmark's broker CPU is not
// counted in the host it measures. Each argument topic:partitions creates a topic through the mock API: clients cannot
// (the mock does not implement CreateTopics), and a topic made by a first produce gets the mock's default of 4
// partitions. The mock keeps a bounded log per partition and deletes the oldest records beyond it, so a
// backlog needs enough partitions to stay whole. Prints "bootstrap: host:port,..." and runs until stdin closes.
using var cluster = new MockKafkaCluster(3);
foreach (var spec in args)
{
    var parts = spec.Split(':');
    cluster.CreateTopic(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
    Console.WriteLine($"topic: {parts[0]}, {parts[1]} partitions");
}

Console.WriteLine($"bootstrap: {cluster.BootstrapServers}");
await Console.In.ReadToEndAsync();
