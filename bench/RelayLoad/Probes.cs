using System.Globalization;

namespace RelayLoad;

/// <summary>What the kernel says about the relay process and UDP, read from /proc (Linux only; zeros elsewhere or without a pid).</summary>
internal static class Probes
{
    private const double ClockTicksPerSecond = 100;

    /// <summary>User + system CPU seconds the process has used.</summary>
    public static double CpuSeconds(int pid)
    {
        if (pid <= 0 || !File.Exists($"/proc/{pid}/stat"))
        {
            return 0;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, utime 14, stime 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>A /proc/PID/status value in KiB (VmRSS, VmHWM).</summary>
    public static long StatusKiB(int pid, string field)
    {
        if (pid <= 0 || !File.Exists($"/proc/{pid}/status"))
        {
            return 0;
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Busy and total CPU time of the whole machine, in clock ticks (/proc/stat's first line).</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (0, 0);
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }

    /// <summary>Datagrams the kernel dropped because a socket's receive queue was full, machine-wide (Udp: RcvbufErrors).</summary>
    public static long UdpReceiveBufferErrors()
    {
        if (!File.Exists("/proc/net/snmp"))
        {
            return 0;
        }

        var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        if (lines.Length < 2)
        {
            return 0;
        }

        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        var i = Array.IndexOf(names, "RcvbufErrors");
        return i < 0 ? 0 : long.Parse(values[i], CultureInfo.InvariantCulture);
    }
}

/// <summary>The relay's CPU and the kernel's drops over one measured window.</summary>
internal sealed class Window(int relayPid)
{
    private double _relayCpu;
    private double _selfCpu;
    private long _drops;
    private long _start;
    private (long Busy, long Total) _machine;

    public void Begin()
    {
        _relayCpu = Probes.CpuSeconds(relayPid);
        _selfCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        _drops = Probes.UdpReceiveBufferErrors();
        _machine = Probes.MachineTicks();
        _start = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public double Seconds { get; private set; }

    public double RelayCpuShare { get; private set; }

    public double GeneratorCpuShare { get; private set; }

    public long KernelDrops { get; private set; }

    /// <summary>Cores busy with anything but the relay and this generator (other processes, and the kernel's softirq work charged to no one).</summary>
    public double OthersCpuShare { get; private set; }

    public void End()
    {
        Seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds;
        RelayCpuShare = (Probes.CpuSeconds(relayPid) - _relayCpu) / Seconds;
        GeneratorCpuShare = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - _selfCpu) / Seconds;
        KernelDrops = Probes.UdpReceiveBufferErrors() - _drops;
        var machine = Probes.MachineTicks();
        var cores = Environment.ProcessorCount;
        var busyCores = machine.Total == _machine.Total ? 0 : cores * (machine.Busy - _machine.Busy) / (double)(machine.Total - _machine.Total);
        OthersCpuShare = Math.Max(0, busyCores - RelayCpuShare - GeneratorCpuShare);
    }
}
