using System.Diagnostics;
using System.Net;
using System.Text.Json;
using static GameBackend.Hosts.Local.Tests.HostHttp;

namespace GameBackend.Hosts.Local.Tests.Matchmaking;

/// <summary>
/// Matchmaking through the real Hosts.Local process over real HTTP, with its own one-second scheduler doing the ticks:
/// ten players sign in, queue, get matched, read their assignments, the studio's server reports the result, and the
/// players see their ratings change.
/// </summary>
public sealed class MatchmakingEndToEndTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("gamebackend-mm-tests-").FullName;

    [Fact]
    public async Task Ten_players_sign_in_queue_get_matched_by_the_scheduler_play_and_see_their_ratings_change()
    {
        await using var host = await LocalHostProcess.StartAsync(_dataPath);
        var (_, clientKey, serverKey) = DefaultTitle(host);
        var client = host.Client;

        await SendAsync(client, HttpMethod.Put, "/v1/admin/matchmaking/queues/ranked-5v5",
            """{"teams":2,"teamSize":5,"skill":{"initial":100,"step":50,"everySeconds":5,"max":400},"attributes":["build"]}""",
            HttpStatusCode.OK, serverKey: serverKey);

        var players = new List<(string PlayerId, string Token, string TicketId)>();
        for (var i = 0; i < 10; i++)
        {
            var signIn = await SendAsync(client, HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"e2e-device-{{i:D4}}"}""", HttpStatusCode.OK, clientKey: clientKey);
            var token = signIn.GetProperty("accessToken").GetString()!;
            var ticket = await SendAsync(client, HttpMethod.Post, "/v1/matchmaking/queues/ranked-5v5/tickets", """{"attributes":{"build":"2026.11"}}""", HttpStatusCode.Created, token);
            Assert.Equal("searching", ticket.GetProperty("status").GetString());
            players.Add((signIn.GetProperty("playerId").GetString()!, token, ticket.GetProperty("ticketId").GetString()!));
        }

        // The host's scheduler ticks every second; clients poll as the response tells them to.
        var assignments = new List<JsonElement>();
        foreach (var (playerId, token, ticketId) in players)
        {
            var stopwatch = Stopwatch.StartNew();
            JsonElement ticket;
            while (true)
            {
                ticket = await SendAsync(client, HttpMethod.Get, $"/v1/matchmaking/queues/ranked-5v5/tickets/{ticketId}", null, HttpStatusCode.OK, token);
                if (ticket.GetProperty("status").GetString() != "searching")
                {
                    break;
                }

                Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), "not matched within 20 s:\n" + host.Output);
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }

            Assert.Equal("matched", ticket.GetProperty("status").GetString());
            var assignment = ticket.GetProperty("assignment");
            var seat = Assert.Single(assignment.GetProperty("seats").EnumerateArray());
            Assert.Equal(playerId, seat.GetProperty("playerId").GetString());
            Assert.Equal("127.0.0.1:7777", assignment.GetProperty("relayEndpoint").GetString());
            Assert.True(seat.GetProperty("joinToken").GetString()!.Length > 100);
            assignments.Add(assignment);
        }

        var matchId = assignments[0].GetProperty("matchId").GetString()!;
        Assert.All(assignments, a => Assert.Equal(matchId, a.GetProperty("matchId").GetString()));
        Assert.Equal(Enumerable.Range(0, 10), assignments.Select(a => a.GetProperty("seats")[0].GetProperty("slot").GetInt32()).Order());
        var teams = assignments[0].GetProperty("players").EnumerateArray()
            .ToDictionary(p => p.GetProperty("playerId").GetString()!, p => p.GetProperty("team").GetInt32());
        Assert.Equal(5, teams.Values.Count(t => t == 0));

        var result = await SendAsync(client, HttpMethod.Post, $"/v1/admin/matchmaking/queues/ranked-5v5/matches/{matchId}/result", """{"teamRanks":[1,2]}""", HttpStatusCode.OK, serverKey: serverKey);
        Assert.Equal("rated", result.GetProperty("status").GetString());

        foreach (var (playerId, token, _) in players)
        {
            var ratings = await SendAsync(client, HttpMethod.Get, "/v1/matchmaking/ratings", null, HttpStatusCode.OK, token);
            var rating = Assert.Single(ratings.GetProperty("items").EnumerateArray());
            var value = rating.GetProperty("value");
            Assert.Equal(1, rating.GetProperty("games").GetInt32());
            Assert.True(teams[playerId] == 0 ? value.GetProperty("rating").GetDouble() > 1500 : value.GetProperty("rating").GetDouble() < 1500);
            Assert.True(value.GetProperty("deviation").GetDouble() < 350);
        }

        Assert.Contains(host.StdoutLines, l => l.Contains("Matchmaking tick", StringComparison.Ordinal) && l.Contains("1 matches formed", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
