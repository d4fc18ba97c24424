using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
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
            DeleteDatabase(db);
            // The input is ready before the clock starts: this measures the engine, not the generator.
            var contents = FactGenerator.Contents(0, rows);

            var engineOptions = new LocalEngineOptions { Path = db };
            MiniLmEmbeddingGenerator? model = null;
            if (embedderName == "local")
            {
                model = new MiniLmEmbeddingGenerator(new MiniLmOptions { MaxBatchSize = options.Int("model-batch", 16) });
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
            for (var start = 0; start < rows; start += batch)
            {
                var slice = contents.GetRange(start, Math.Min(batch, rows - start));
                var results = await service.StoreMemoriesAsync(Bucket, slice, dedup, cancellationToken).ConfigureAwait(false);
                stored += results.Count;
                foreach (var r in results)
                {
                    if (r.Status != StoreMemoryResult.StatusStored)
                    {
                        merged++;
                    }
                }

                rate.Mark(stored, clock.Elapsed);
            }

            clock.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            model?.Dispose();
            var result = new ResultFile
            {
                ["rows"] = stored,
                ["merged"] = merged,
                ["batch"] = batch,
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
