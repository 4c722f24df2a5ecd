using System.Globalization;
using System.Net;
using RelayLoad;

// Usage: RelayLoad --relay-kind ours|baseline --relay 127.0.0.1:7801 --mode saturation|rtt|sessions [options]
//        RelayLoad --mode rtt-ab --relay 127.0.0.1:7801 --baseline-relay 127.0.0.1:7901 [options]   (both relays, interleaved)
//   --members N  --session-size N  --rate N (per member or per pair, datagrams/s)  --batch N (saturation)
//   --warmup S  --duration S  --relay-pid PID (CPU and memory from /proc)  --rcvbuf BYTES (per member socket)
//   --title HEX32 --key-id ID8 --secret BASE64URL (ours: the relay key it shares with the relay under test)
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

string Get(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;
double Number(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var kind = Get("relay-kind", "ours") == "baseline" ? RelayKind.Baseline : RelayKind.Ours;
var mode = Get("mode", "saturation");
var settings = new Settings
{
    Warmup = Number("warmup", 2),
    Duration = Number("duration", 10),
    Rate = (int)Number("rate", mode is "rtt" or "rtt-ab" ? 200 : 20),
    Batch = (int)Number("batch", 16),
    RelayPid = (int)Number("relay-pid", 0),
};
var members = (int)Number("members", mode switch { "rtt" or "rtt-ab" => 8, "sessions" => 5000, _ => 40 });
var sessionSize = (int)Number("session-size", mode switch { "rtt" or "rtt-ab" => 2, "sessions" => 10, _ => 10 });
var key = new RelayKey(
    Get("title", "0195f3a2000070008000000000000001"),
    Get("key-id", "benchkey"),
    System.Buffers.Text.Base64Url.DecodeFromChars(Get("secret", "YmVuY2gtcmVsYXkta2V5LXNoYXJlZC13aXRoLXRoZS1yZWxheQ")));

if (mode == "rtt-ab")
{
    using var ours = Fleet.Join(RelayKind.Ours, IPEndPoint.Parse(Get("relay", "127.0.0.1:7801")), members, 2, (int)Number("rcvbuf", 4 << 20), key);
    using var baseline = Fleet.Join(RelayKind.Baseline, IPEndPoint.Parse(Get("baseline-relay", "127.0.0.1:7901")), members, 2, (int)Number("rcvbuf", 4 << 20), key);
    foreach (var line in Workloads.RoundTripInterleaved(ours, baseline, settings))
    {
        Console.WriteLine(line);
    }

    return 0;
}

using var fleet = Fleet.Join(kind, IPEndPoint.Parse(Get("relay", "127.0.0.1:7801")), members, sessionSize, (int)Number("rcvbuf", 4 << 20), key);
var result = mode switch
{
    "saturation" => Workloads.Saturation(fleet, settings),
    "rtt" => Workloads.RoundTrip(fleet, settings),
    "sessions" => Workloads.Sessions(fleet, settings),
    _ => throw new ArgumentException($"Unknown mode {mode}: saturation, rtt or sessions."),
};
Console.WriteLine(result);
return 0;

namespace RelayLoad
{
    internal sealed class Settings
    {
        public double Warmup { get; init; }

        public double Duration { get; init; }

        public int Rate { get; init; }

        public int Batch { get; init; }

        public int RelayPid { get; init; }
    }
}
