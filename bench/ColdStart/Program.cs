using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

// ColdStart <runs> <aws-executable> <minimal-executable> <port> <client-key>; the AWS host's other settings
// (table, DynamoDB Local URL, fake credentials) come from this process's environment.
// Each run starts one executable, polls it every 1 ms, and records: exec → first 200 on the readiness route,
// exec → first authenticated answer (AWS host: device sign-in, then GET /v1/profile with the token), and the
// process's RSS right after. The two executables alternate so drifts in machine load hit both alike.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: ColdStart <runs> <aws-executable> <minimal-executable> <port> <client-key>");
    return 2;
}

var runs = int.Parse(args[0], CultureInfo.InvariantCulture);
var aws = args[1];
var minimal = args[2];
var port = int.Parse(args[3], CultureInfo.InvariantCulture);
var clientKey = args[4];
var baseUrl = $"http://127.0.0.1:{port}";
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromMilliseconds(200) })
{
    Timeout = TimeSpan.FromSeconds(10),
};

var awsReady = new List<double>();
var awsAuth = new List<double>();
var awsRss = new List<double>();
var minReady = new List<double>();
var minRss = new List<double>();

// One untimed start of each first, so both executables and the store's table are in the page cache.
await MeasureAsync(minimal, "/ping", authenticate: false);
await MeasureAsync(aws, "/healthz", authenticate: true);
for (var i = 0; i < runs; i++)
{
    var m = await MeasureAsync(minimal, "/ping", authenticate: false);
    minReady.Add(m.Ready);
    minRss.Add(m.RssMiB);
    var a = await MeasureAsync(aws, "/healthz", authenticate: true);
    awsReady.Add(a.Ready);
    awsAuth.Add(a.Authenticated);
    awsRss.Add(a.RssMiB);
}

Console.WriteLine($"runs: {runs} each, alternating");
Console.WriteLine(Line("minimal AOT app: exec → first 200 /ping (ms)", minReady));
Console.WriteLine(Line("Hosts.Aws: exec → first 200 /healthz (ms)", awsReady));
Console.WriteLine(Line("Hosts.Aws: exec → first authenticated answer (ms)", awsAuth));
Console.WriteLine(Line("minimal AOT app: RSS after first answer (MiB)", minRss));
Console.WriteLine(Line("Hosts.Aws: RSS after first authenticated answer (MiB)", awsRss));
Console.WriteLine(FormattableString.Invariant(
    $"ratio of medians: /healthz {Median(awsReady) / Median(minReady):F2}x, authenticated {Median(awsAuth) / Median(minReady):F2}x the minimal app's first 200"));
return 0;

async Task<(double Ready, double Authenticated, double RssMiB)> MeasureAsync(string executable, string readyPath, bool authenticate)
{
    var start = new ProcessStartInfo(executable)
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    start.Environment["ASPNETCORE_URLS"] = baseUrl;
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
    var output = new StringBuilder();
    process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
    process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{executable} exited with {process.ExitCode}:\n{output}");
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{executable} did not answer {readyPath} in 30 s:\n{output}");
            }

            try
            {
                using var response = await http.GetAsync(baseUrl + readyPath);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(1);
        }

        var ready = clock.Elapsed.TotalMilliseconds;
        var authenticated = double.NaN;
        if (authenticate)
        {
            using var signIn = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/v1/auth/device")
            {
                Content = new StringContent("""{"deviceId":"coldstart-device-0001"}""", Encoding.UTF8, "application/json"),
            };
            signIn.Headers.Add("X-Client-Key", clientKey);
            using var signedIn = await http.SendAsync(signIn);
            var body = await signedIn.Content.ReadAsStringAsync();
            if (signedIn.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"sign-in answered {(int)signedIn.StatusCode}: {body}\n{output}");
            }

            using var document = JsonDocument.Parse(body);
            using var profile = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/v1/profile");
            profile.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", document.RootElement.GetProperty("accessToken").GetString());
            using var answered = await http.SendAsync(profile);
            if (answered.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"profile answered {(int)answered.StatusCode}\n{output}");
            }

            authenticated = clock.Elapsed.TotalMilliseconds;
        }

        return (ready, authenticated, RssMiB(process.Id));
    }
    finally
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

static double RssMiB(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
    }

    return double.NaN;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Line(string what, List<double> values)
{
    var sorted = values.Order().ToList();
    return FormattableString.Invariant(
        $"{what}: median {Median(values):F1}, min {sorted[0]:F1}, p90 {sorted[(int)Math.Ceiling(sorted.Count * 0.9) - 1]:F1}, max {sorted[^1]:F1}");
}
