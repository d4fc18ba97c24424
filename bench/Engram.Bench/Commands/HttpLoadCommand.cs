using System;
using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Measurement;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// HTTP overhead of the loopback server: N clients, each sending GET /v1/buckets back to back on its own
    /// keep-alive connection, for a bounded time and a bounded count. Prints one JSON line of figures.
    /// </summary>
    public static class HttpLoadCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var url = options.Text("url").TrimEnd('/') + "/v1/buckets";
            var key = options.Text("api-key");
            var clients = options.Int("clients", 16);
            var seconds = options.Int("seconds", 5);
            var maxRequests = options.Int("max-requests", 500_000);

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

            // Warm-up: every connection opened and the server's code paths jitted before timing.
            for (var i = 0; i < clients * 20; i++)
            {
                using var warm = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            }

            var recorders = new LatencyRecorder[clients];
            var failures = 0;
            var issued = 0;
            var deadline = Stopwatch.StartNew();
            var workers = new Task[clients];
            for (var c = 0; c < clients; c++)
            {
                var recorder = recorders[c] = new LatencyRecorder();
                workers[c] = Task.Run(async () =>
                {
                    while (deadline.Elapsed.TotalSeconds < seconds && Interlocked.Increment(ref issued) <= maxRequests)
                    {
                        var start = Stopwatch.GetTimestamp();
                        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                        _ = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                        recorder.Add(Stopwatch.GetTimestamp() - start);
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                }, cancellationToken);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
            var elapsed = deadline.Elapsed.TotalSeconds;
            var all = new LatencyRecorder();
            foreach (var r in recorders)
            {
                all.Merge(r);
            }

            var summary = all.Summary();
            summary["clients"] = clients;
            summary["failures"] = failures;
            summary["requests_per_s"] = Math.Round(all.Count / elapsed, 0);
            Console.Out.WriteLine(JsonSerializer.Serialize(summary));
            return 0;
        }
    }
}
