namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The cloud hosts' end-to-end tests run on the real clock and check one day's rollups and archive folders. Started in a
/// day's last minutes, a run would see its events split over two UTC days; such a run waits for the next day first.
/// </summary>
internal static class OneUtcDay
{
    /// <summary>Returns at once, or (within <paramref name="needed"/> of 00:00 UTC) just after midnight.</summary>
    public static async Task WaitUntilAtLeastLeftAsync(TimeSpan needed)
    {
        var now = DateTimeOffset.UtcNow;
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        if (midnight - now < needed)
        {
            await Task.Delay(midnight - now + TimeSpan.FromSeconds(1));
        }
    }
}
