using System.Diagnostics;
using System.Globalization;

namespace GameBackend.Bench.Analytics;

/// <summary>CPU time of the whole process and bytes allocated on every thread since <see cref="Start"/>.</summary>
internal readonly record struct Cost(TimeSpan Cpu, long Allocated)
{
    public static Cost Start(Process process)
    {
        process.Refresh();
        return new Cost(process.TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));
    }

    public string PerEvent(Process process, long events)
    {
        var end = Start(process);
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU {(end.Cpu - Cpu).TotalMicroseconds / events:F2} µs/event, {(double)(end.Allocated - Allocated) / events:F0} B allocated/event");
    }
}

/// <summary>The benchmarks' clock, so the rollups' 35-day window sees the stream's own time.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
