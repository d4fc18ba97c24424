using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Data;
using Engram.Bench.Measurement;
using Engram.Client;
using Engram.Local;
using Engram.Server;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// What the loopback transport adds to a batch store, without PowerShell: the same rows in batches of 100
    /// with --inflight batches outstanding, through the engine directly and through EngramHttpService to a
    /// LocalEngramServer in this process, alternating --rounds times on fresh files (--only local|http: one
    /// side, so a fresh process shows that side's cold start). Prints rows/s, CPU and the mean latency per
    /// batch of each side; --warmups N small batches (and --warmup-pause-ms) go first, into another bucket.
    /// </summary>
    public static class TransportCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var rows = options.Int("rows");
            var inFlight = Math.Max(1, options.Int("inflight", 4));
            var rounds = Math.Max(1, options.Int("rounds", 3));
            var dir = options.OptionalText("dir") ?? Path.Combine(Path.GetTempPath(), "engram-transport-" + Environment.ProcessId);
            var dedup = (options.OptionalText("dedup") ?? "default").ToLowerInvariant() switch
            {
                "off" => DedupPolicy.Off,
                "default" => (DedupPolicy?)null,
                var other => throw new ArgumentException($"--dedup must be off or default, got '{other}'."),
            };
            // --only local|http: one side per process, so each side pays its own cold start (JIT, tiering).
            var only = options.OptionalText("only");
            var warmup = new Warmup(options.Int("warmups", 1), TimeSpan.FromMilliseconds(options.Int("warmup-pause-ms", 0)));
            Directory.CreateDirectory(dir);
            var contents = FactGenerator.Contents(0, rows);
            var batches = Enumerable.Range(0, (rows + EngramLimits.MaxBatchSize - 1) / EngramLimits.MaxBatchSize)
                .Select(i => (IReadOnlyList<string>)contents.GetRange(i * EngramLimits.MaxBatchSize, Math.Min(EngramLimits.MaxBatchSize, rows - i * EngramLimits.MaxBatchSize)))
                .ToList();

            // --jit: also count what the runtime compiles during the timed part (by namespace).
            using var jit = options.OptionalText("jit") == "on" ? new JitListener() : null;
            var local = new List<Cell>();
            var http = new List<Cell>();
            for (var round = 0; round < rounds; round++)
            {
                var db = Path.Combine(dir, "local.db");
                if (only != "http")
                {
                    IngestCommands.DeleteDatabase(db);
                    using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = db }))
                    using (var service = engine.ForTenant(LocalEngine.DefaultTenant))
                    {
                        local.Add(await TimeAsync(service, batches, dedup, inFlight, warmup, cancellationToken).ConfigureAwait(false));
                    }

                    IngestCommands.DeleteDatabase(db);
                }

                db = Path.Combine(dir, "http.db");
                if (only != "local")
                {
                    IngestCommands.DeleteDatabase(db);
                    using (var engine = LocalEngine.Open(new LocalEngineOptions { Path = db }))
                    using (var server = new LocalEngramServer(engine))
                    {
                        server.Start();
                        using var client = new EngramHttpService(new EngramClientOptions { BaseUrl = server.BaseUrl.ToString(), ApiKey = server.ApiKey });
                        http.Add(await TimeAsync(client, batches, dedup, inFlight, warmup, cancellationToken).ConfigureAwait(false));
                    }

                    IngestCommands.DeleteDatabase(db);
                }
                Console.Error.WriteLine($"round {round + 1}: in-process {(local.Count > 0 ? local[^1] : null)}; HTTP {(http.Count > 0 ? http[^1] : null)}");
            }

            if (jit != null)
            {
                Console.Error.WriteLine($"JIT: {jit.Methods} methods compiled, {jit.CompileTime.TotalMilliseconds:N0} ms; most: {jit.Top(12)}");
            }

            // A side not run (--only) is null in the result.
            Cell? localMedian = local.Count > 0 ? Median(local) : null;
            Cell? httpMedian = http.Count > 0 ? Median(http) : null;
            var result = new ResultFile
            {
                ["rows"] = rows,
                ["inflight"] = inFlight,
                ["rounds"] = rounds,
                ["local_rows_per_second"] = localMedian?.RowsPerSecond,
                ["http_rows_per_second"] = httpMedian?.RowsPerSecond,
                ["ratio"] = localMedian != null && httpMedian != null ? Math.Round(httpMedian.RowsPerSecond / localMedian.RowsPerSecond, 3) : (double?)null,
                ["local_batch_ms"] = localMedian?.BatchMs,
                ["http_batch_ms"] = httpMedian?.BatchMs,
                ["local_cpu_ms_per_batch"] = localMedian?.CpuMsPerBatch,
                ["http_cpu_ms_per_batch"] = httpMedian?.CpuMsPerBatch,
            };
            result.Save(options.Text("result"));
            return 0;
        }

        private static Cell Median(List<Cell> cells) => cells.OrderBy(c => c.RowsPerSecond).ElementAt((cells.Count - 1) / 2);

        private static async Task<Cell> TimeAsync(IEngramService service, List<IReadOnlyList<string>> batches, DedupPolicy? dedup, int inFlight, Warmup warmup, CancellationToken cancellationToken)
        {
            // Warm-up (JIT, connection) in another bucket.
            for (var i = 0; i < warmup.Batches; i++)
            {
                await service.StoreMemoriesAsync("warmup", batches[0].Take(2).ToList(), DedupPolicy.Off, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(warmup.Pause, cancellationToken).ConfigureAwait(false);
            var window = new Queue<Task<(IReadOnlyList<StoreMemoryResult>, TimeSpan)>>();
            var latency = TimeSpan.Zero;
            var stored = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                if (window.Count >= inFlight)
                {
                    var (results, took) = await window.Dequeue().ConfigureAwait(false);
                    stored += results.Count;
                    latency += took;
                }

                window.Enqueue(Task.Run(async () =>
                {
                    var started = Stopwatch.StartNew();
                    var results = await service.StoreMemoriesAsync(IngestCommands.Bucket, batch, dedup, cancellationToken).ConfigureAwait(false);
                    return (results, started.Elapsed);
                }));
            }

            while (window.Count > 0)
            {
                var (results, took) = await window.Dequeue().ConfigureAwait(false);
                stored += results.Count;
                latency += took;
            }

            clock.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            return new Cell(
                Math.Round(stored / clock.Elapsed.TotalSeconds, 1),
                Math.Round(latency.TotalMilliseconds / batches.Count, 2),
                Math.Round(cpu.TotalMilliseconds / batches.Count, 2));
        }

        private sealed record Warmup(int Batches, TimeSpan Pause);

        private sealed record Cell(double RowsPerSecond, double BatchMs, double CpuMsPerBatch)
        {
            public override string ToString() => $"{RowsPerSecond:N0} rows/s, {BatchMs:N1} ms per batch, {CpuMsPerBatch:N1} CPU ms per batch";
        }
    }
}
