using System.Runtime.InteropServices;
using System.Text;

namespace GameBackend.Kafka.Tests;

/// <summary>
/// librdkafka's mock cluster (a real Kafka-protocol broker set: produce, idempotence, consumer groups, offset commits)
/// started inside the test process on 127.0.0.1 ports, through librdkafka's own C API in the library Confluent.Kafka
/// ships. Clients reach it over TCP through <see cref="BootstrapServers"/> like any broker. <see cref="SetDown"/> and
/// <see cref="SetUp"/> make every broker drop its connections and refuse new ones, then accept them again, with the
/// log kept: a broker outage without data loss on the broker side.
/// </summary>
/// <remarks>
/// The C API is used instead of a test.mock.num.brokers client because Confluent.Kafka exposes neither the cluster's
/// listeners nor broker up/down. A TCP proxy cannot stand between clients and mock brokers: each broker advertises its
/// own listener address in Metadata responses and the mock API has no setting for an advertised host or port, so after
/// bootstrap the clients would connect around any proxy.
/// </remarks>
public sealed partial class MockKafkaCluster : IDisposable
{
    private const string Library = "librdkafka";
    private const int Producer = 0;

    private readonly nint _handle;
    private readonly nint _cluster;

    static MockKafkaCluster()
    {
        // Confluent.Kafka's own choice on Linux: the default build, or (where its libsasl2.so.3 is missing, as on
        // Debian 12) the self-contained centos8 build shipped beside it.
        NativeLibrary.SetDllImportResolver(typeof(MockKafkaCluster).Assembly, static (name, assembly, path) =>
        {
            if (name != Library)
            {
                return 0;
            }

            // runtimes/{rid}/native under a build output; beside the executable in a published app.
            var folders = new[] { Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"), AppContext.BaseDirectory };
            foreach (var file in folders.SelectMany(f => new[] { "librdkafka.so", "centos8-librdkafka.so", "librdkafka.dylib", "librdkafka.dll" }.Select(n => Path.Combine(f, n))))
            {
                if (NativeLibrary.TryLoad(file, out var handle))
                {
                    return handle;
                }
            }

            return NativeLibrary.TryLoad(name, assembly, path, out var fallback) ? fallback : 0;
        });
    }

    public MockKafkaCluster(int brokers = 3)
    {
        var conf = rd_kafka_conf_new();
        Set(conf, "test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set(conf, "log_level", "0");
        var error = new byte[512];
        _handle = rd_kafka_new(Producer, conf, error, (nuint)error.Length);
        if (_handle == 0)
        {
            throw new InvalidOperationException("librdkafka could not start a mock cluster: " + Text(error));
        }

        _cluster = rd_kafka_handle_mock_cluster(_handle);
        if (_cluster == 0)
        {
            rd_kafka_destroy(_handle);
            throw new InvalidOperationException("librdkafka did not create a mock cluster.");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(_cluster))
                           ?? throw new InvalidOperationException("The mock cluster has no listeners.");
    }

    public string BootstrapServers { get; }

    /// <summary>Creates a topic with a known partition count (clients' first produce would auto-create one otherwise).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 3)
    {
        var err = rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor);
        if (err != 0)
        {
            throw new InvalidOperationException($"rd_kafka_mock_topic_create({topic}) failed with {err}.");
        }
    }

    /// <summary>Every broker closes its connections and refuses new ones (the log is kept).</summary>
    public void SetDown() => Check(rd_kafka_mock_broker_set_down(_cluster, -1), "set_down");

    public void SetUp() => Check(rd_kafka_mock_broker_set_up(_cluster, -1), "set_up");

    public void Dispose() => rd_kafka_destroy(_handle);

    private static void Set(nint conf, string name, string value)
    {
        var error = new byte[512];
        if (rd_kafka_conf_set(conf, name, value, error, (nuint)error.Length) != 0)
        {
            throw new InvalidOperationException($"librdkafka rejected {name}={value}: {Text(error)}");
        }
    }

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"rd_kafka_mock_broker_{what} failed with {err}.");
        }
    }

    private static string Text(byte[] buffer) => Encoding.UTF8.GetString(buffer, 0, Math.Max(0, Array.IndexOf(buffer, (byte)0)));

    [LibraryImport(Library)]
    private static partial nint rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_conf_set(nint conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_new(int type, nint conf, [Out] byte[] errstr, nuint errstrSize);

    [LibraryImport(Library)]
    private static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_handle_mock_cluster(nint rk);

    [LibraryImport(Library)]
    private static partial nint rd_kafka_mock_cluster_bootstraps(nint mcluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library)]
    private static partial int rd_kafka_mock_broker_set_down(nint mcluster, int brokerId);

    [LibraryImport(Library)]
    private static partial int rd_kafka_mock_broker_set_up(nint mcluster, int brokerId);
}
