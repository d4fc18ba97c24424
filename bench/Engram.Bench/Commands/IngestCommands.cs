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
using Engram.Embeddings.Onnx;
using Engram.Local;

namespace Engram.Bench.Commands
{
    /// <summary>The two reference points for the pipeline ingest: the engine's own ceiling and the one-request-per-row loop.</summary>
    public static class IngestCommands
    {
        public const string Bucket = "bench";

        /// <summary>
        /// StoreMemoriesAsync in batches into a fresh file: what the engine takes with no transport at all.
        /// --dedup off|loose|strict|default (default: no policy given, which is loose); --embedder hashing|local
        /// (local: all-MiniLM-L6-v2, loaded and warmed before the clock starts).
        /// </summary>
        public static async Task<int> InProcessAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var rows = options.Int("rows");
            var batch = Math.Max(1, Math.Min(EngramLimits.MaxBatchSize, options.Int("batch", EngramLimits.MaxBatchSize)));
            // --per-call N passes N rows to each StoreMemoriesAsync call (the engine still writes one transaction
            // per 100, preparing the next 100 while it writes); the default is one call per transaction.
            var perCall = Math.Max(batch, options.Int("per-call", batch));
            var db = options.Text("db");
            var dedupName = (options.OptionalText("dedup") ?? "off").ToLowerInvariant();
            DedupPolicy? dedup = dedupName switch
            {
                "off" => DedupPolicy.Off,
                "loose" => DedupPolicy.Loose,
                "strict" => DedupPolicy.Strict,
                "default" => null,
                _ => throw new ArgumentException($"--dedup must be off, loose, strict or default, got '{dedupName}'."),
            };
            var embedderName = (options.OptionalText("embedder") ?? "hashing").ToLowerInvariant();
            // --from N resumes a database built up to row N (an interrupted build of a large query database);
            // otherwise the file starts fresh.
            var from = options.Int("from", 0);
            if (from == 0)
            {
                DeleteDatabase(db);
            }

            // --workers N stores N batches at a time: the engine embeds outside its store lock, so a
            // model-bound build of a query database runs N inferences side by side (1 intra-op thread each
            // does not spin on a busy machine). The rate cells keep 1.
            var workers = Math.Max(1, options.Int("workers", 1));

            // The input is ready before the clock starts: this measures the engine, not the generator.
            var contents = FactGenerator.Contents(0, rows);

            var engineOptions = new LocalEngineOptions { Path = db };
            MiniLmEmbeddingGenerator? model = null;
            if (embedderName == "local")
            {
                // --model-threads 2 builds a large query database faster (175 vs 120 texts/s on 2 cores); the
                // ingest-rate cells keep the engine's default of 1.
                model = new MiniLmEmbeddingGenerator(new MiniLmOptions
                {
                    MaxBatchSize = options.Int("model-batch", 16),
                    IntraOpThreads = options.Int("model-threads", 1),
                });
                model.Load();
                await model.GenerateAsync(FactGenerator.Contents(rows, 32), cancellationToken: cancellationToken).ConfigureAwait(false);
                engineOptions.Embedder = model;
            }
            else if (embedderName != "hashing")
            {
                throw new ArgumentException($"--embedder must be hashing or local, got '{embedderName}'.");
            }

            using var engine = LocalEngine.Open(engineOptions);
            using var service = engine.ForTenant(LocalEngine.DefaultTenant);
            var rate = new RateBySize(rows);
            var merged = 0;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var stored = 0;
            var next = from;
            var progress = new object();
            async Task StoreBatchesAsync()
            {
                while (true)
                {
                    int start;
                    lock (progress)
                    {
                        start = next;
                        next += perCall;
                    }

                    if (start >= rows)
                    {
                        return;
                    }

                    var slice = contents.GetRange(start, Math.Min(perCall, rows - start));
                    var results = await service.StoreMemoriesAsync(Bucket, slice, dedup, cancellationToken).ConfigureAwait(false);
                    lock (progress)
                    {
                        stored += results.Count;
                        merged += results.Count(r => r.Status != StoreMemoryResult.StatusStored);
                        rate.Mark(stored, clock.Elapsed);
                    }
                }
            }

            // The first batch alone creates the bucket; then the workers.
            var bucketCreated = workers > 1 && from == 0 ? 1 : 0;
            if (bucketCreated == 1)
            {
                var firstSlice = contents.GetRange(0, Math.Min(batch, rows));
                stored += (await service.StoreMemoriesAsync(Bucket, firstSlice, dedup, cancellationToken).ConfigureAwait(false)).Count;
                next = firstSlice.Count;
            }

            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(StoreBatchesAsync, cancellationToken))).ConfigureAwait(false);

            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            model?.Dispose();
            var result = new ResultFile
            {
                ["rows"] = stored,
                ["merged"] = merged,
                ["batch"] = batch,
                ["per_call"] = perCall,
                ["dedup"] = dedupName,
                ["embedder"] = embedderName,
                ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ["cpu_seconds"] = Math.Round(cpu.TotalSeconds, 3),
                ["rows_per_second"] = Math.Round(stored / clock.Elapsed.TotalSeconds, 1),
                ["rate_by_size"] = rate.Slices(),
                ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
                ["database_bytes"] = new FileInfo(db).Length,
            };
            result.Save(options.Text("result"));
            return 0;
        }

        /// <summary>One StoreMemoryAsync (one HTTP request) per row, awaited before the next: the official clients' pattern.</summary>
        public static async Task<int> PerRowHttpAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var rows = options.Int("rows");
            var contents = FactGenerator.Contents(0, rows);
            using var client = new EngramHttpService(new EngramClientOptions
            {
                BaseUrl = options.Text("url"),
                ApiKey = options.Text("api-key"),
            });

            // Connection set up and JIT before the clock starts, into another bucket.
            foreach (var warm in FactGenerator.Contents(rows, 20))
            {
                await client.StoreMemoryAsync("warmup", warm, DedupPolicy.Off, cancellationToken).ConfigureAwait(false);
            }

            var clock = Stopwatch.StartNew();
            foreach (var content in contents)
            {
                await client.StoreMemoryAsync(Bucket, content, DedupPolicy.Off, cancellationToken).ConfigureAwait(false);
            }

            clock.Stop();
            var result = new ResultFile
            {
                ["rows"] = rows,
                ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ["rows_per_second"] = Math.Round(rows / clock.Elapsed.TotalSeconds, 1),
            };
            result.Save(options.Text("result"));
            return 0;
        }

        public static void DeleteDatabase(string path)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                if (File.Exists(path + suffix))
                {
                    File.Delete(path + suffix);
                }
            }
        }
    }
}
