using System.Globalization;
using System.Net;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Api.Tests.Analytics;

/// <summary>Hosts.Local's analytics consumer keeps a batch the handler could not store and tries it again, so no event is lost.</summary>
public sealed class QueryAfterFailedBatchesTests
{
    /// <summary>The real handler behind a switch that makes its first calls fail as a store outage would.</summary>
    private sealed class FlakyHandler(AnalyticsIngest inner) : IEventRecordHandler
    {
        private int _failuresLeft = 3;

        public int Calls;

        public Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            return Interlocked.Decrement(ref _failuresLeft) >= 0
                ? throw new IOException("store unavailable")
                : inner.HandleAsync(records, cancellationToken);
        }
    }

    [Fact]
    public async Task Events_of_a_batch_that_failed_three_times_are_counted_once()
    {
        await using var factory = new ApiFactory(null, services =>
            services.AddSingleton<IEventRecordHandler>(static sp => new FlakyHandler(sp.GetRequiredService<AnalyticsIngest>())));
        var title = await factory.CreateTitleAsync();
        using var client = factory.CreateClient();
        var now = factory.Time.GetUtcNow();
        var today = now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await factory.Get<IEventBus>().PublishAsync(
            Enumerable.Range(0, 10).Select(i => new BackendEvent(title.Id, "e" + i, "level_up", now, "p" + i)).ToList());

        var deadline = DateTime.UtcNow.AddSeconds(30);
        long events;
        do
        {
            await Task.Delay(100);
            using var response = await client.SendAsync(HttpMethod.Get, $"/v1/admin/analytics/days?from={today}&to={today}", serverKey: title.ServerKey);
            events = (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("days")[0].GetProperty("events").GetInt64();
        }
        while (events < 10 && DateTime.UtcNow < deadline);

        Assert.Equal(10, events);
        Assert.True(((FlakyHandler)factory.Get<IEventRecordHandler>()).Calls >= 4);
    }
}
