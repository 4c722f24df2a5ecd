using Confluent.Kafka;
using GameBackend.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GameBackend.Kafka.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Event_Hubs_and_MSK_SCRAM_settings_are_accepted_and_reach_librdkafka()
    {
        var eventHubs = Bind(new()
        {
            ["GameBackend:Kafka:BootstrapServers"] = "ns.servicebus.windows.net:9093",
            ["GameBackend:Kafka:SecurityProtocol"] = "SaslSsl",
            ["GameBackend:Kafka:SaslMechanism"] = "Plain",
            ["GameBackend:Kafka:SaslUsername"] = "$ConnectionString",
            ["GameBackend:Kafka:SaslPassword"] = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s",
        });
        Assert.True(new KafkaOptionsValidator().Validate(null, eventHubs).Succeeded);
        var producer = KafkaClientConfig.Producer(eventHubs);
        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal(SaslMechanism.Plain, producer.SaslMechanism);
        Assert.Equal("$ConnectionString", producer.SaslUsername);
        Assert.Equal(KafkaOptions.DefaultTopic, eventHubs.Topic);

        var msk = Bind(new()
        {
            ["GameBackend:Kafka:BootstrapServers"] = "b-1.msk.example:9096,b-2.msk.example:9096",
            ["GameBackend:Kafka:SecurityProtocol"] = "SaslSsl",
            ["GameBackend:Kafka:SaslMechanism"] = "ScramSha512",
            ["GameBackend:Kafka:SaslUsername"] = "gamebackend",
            ["GameBackend:Kafka:SaslPassword"] = "secret",
            ["GameBackend:Kafka:Compression"] = "zstd",
        });
        Assert.True(new KafkaOptionsValidator().Validate(null, msk).Succeeded);
        Assert.Equal(CompressionType.Zstd, KafkaClientConfig.Producer(msk).CompressionType);
        var consumer = KafkaClientConfig.Consumer(msk);
        Assert.Equal(SaslMechanism.ScramSha512, consumer.SaslMechanism);
        Assert.False(consumer.EnableAutoCommit);
        Assert.False(consumer.EnableAutoOffsetStore);
    }

    [Fact]
    public void The_producer_is_idempotent_with_acks_all_and_times_out_with_the_publish_timeout()
    {
        var producer = KafkaClientConfig.Producer(new KafkaOptions { BootstrapServers = "k:9092", PublishTimeoutSeconds = 3, LingerMs = 5 });
        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.Equal(3000, producer.MessageTimeoutMs);
        Assert.Equal(5, producer.LingerMs);
        Assert.Equal(CompressionType.Lz4, producer.CompressionType);
    }

    [Fact]
    public void The_consumer_refetches_a_partition_after_milliseconds_not_a_second_unless_settings_say_otherwise()
    {
        // librdkafka's default of 1 s idled the consumer behind a backlog (docs/benchmarks.md, Analytics).
        Assert.Equal(10, KafkaClientConfig.Consumer(new KafkaOptions { BootstrapServers = "k:9092" }).FetchQueueBackoffMs);

        var tuned = new KafkaOptions { BootstrapServers = "k:9092" };
        tuned.Settings["fetch.queue.backoff.ms"] = "250";
        Assert.Equal(250, KafkaClientConfig.Consumer(tuned).FetchQueueBackoffMs);
    }

    [Theory]
    [InlineData("BootstrapServers", "", "BootstrapServers")]
    [InlineData("Topic", "bad topic", "Topic")]
    [InlineData("GroupId", " ", "GroupId")]
    [InlineData("SecurityProtocol", "SaslSsl", "SaslMechanism")]
    [InlineData("SaslMechanism", "Plain", "need SecurityProtocol")]
    [InlineData("PublishTimeoutSeconds", "0", "PublishTimeoutSeconds")]
    [InlineData("Compression", "brotli", "Compression")]
    [InlineData("MaxBatchRecords", "0", "MaxBatchRecords")]
    [InlineData("Settings:enable.idempotence", "false", "enable.idempotence")]
    [InlineData("Settings:enable.auto.commit", "true", "enable.auto.commit")]
    public void Invalid_settings_are_rejected_with_the_setting_named(string key, string value, string expected)
    {
        var options = Bind(new()
        {
            ["GameBackend:Kafka:BootstrapServers"] = "127.0.0.1:9092",
            ["GameBackend:Kafka:" + key] = value,
        });
        var result = new KafkaOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void MSK_IAM_through_OAUTHBEARER_is_refused_at_start()
    {
        var options = Bind(new()
        {
            ["GameBackend:Kafka:BootstrapServers"] = "b-1.msk.example:9098",
            ["GameBackend:Kafka:SecurityProtocol"] = "SaslSsl",
            ["GameBackend:Kafka:SaslMechanism"] = "OAuthBearer",
            ["GameBackend:Kafka:SaslUsername"] = "x",
            ["GameBackend:Kafka:SaslPassword"] = "y",
        });
        var result = new KafkaOptionsValidator().Validate(null, options);
        Assert.Contains("OAUTHBEARER", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKafkaEventBus_makes_the_Kafka_bus_the_event_bus_and_validates_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GameBackend:Kafka:BootstrapServers"] = "127.0.0.1:1",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<IEventBus>(new InProcessEventBus([]));
        services.AddKafkaEventBus(configuration);
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.IsType<KafkaEventBus>(provider.GetRequiredService<IEventBus>());
        }

        var invalid = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GameBackend:Kafka:BootstrapServers"] = "127.0.0.1:1",
            ["GameBackend:Kafka:Compression"] = "brotli",
        }).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddKafkaEventBus(invalid);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Compression", error.Message, StringComparison.Ordinal);
    }

    private static KafkaOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(options);
        return options;
    }
}
