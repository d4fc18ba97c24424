using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Data;
using Engram.Bench.Measurement;
using Engram.Embeddings.Onnx;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// The local all-MiniLM-L6-v2 embedder measured alone: model load, single-text latency, batch throughput
    /// at batch 1/16/64 with 1 and 2 intra-op threads, working set, and the on-disk size of the model and of
    /// ONNX Runtime's natives per platform. Prints a table; --result also writes the figures as JSON.
    /// </summary>
    public static class EmbedCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var queries = options.Int("queries", 300);
            var texts = options.Int("texts", 512);
            var threadsList = (options.OptionalText("threads") ?? "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var batches = (options.OptionalText("batches") ?? "1,16,64").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var result = new ResultFile();
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var baseline = process.WorkingSet64;

            // Facts as they are ingested (10-25 words) and questions as they are asked.
            var corpus = FactGenerator.Contents(0, texts);
            var questions = FactGenerator.Questions(queries + 20, texts, 0);

            Console.WriteLine($"all-MiniLM-L6-v2 on {Environment.ProcessorCount} cores, {RuntimeDescription()}");
            Console.WriteLine($"texts: {texts} facts (mean {corpus.Average(t => t.Length):F0} chars), {queries} questions (mean {questions.Average(q => q.Length):F0} chars)");
            Console.WriteLine();

            var first = true;
            foreach (var threads in threadsList)
            {
                using var generator = new MiniLmEmbeddingGenerator(new MiniLmOptions { IntraOpThreads = threads, MaxBatchSize = batches.Max() });
                var load = Stopwatch.StartNew();
                generator.Load();
                load.Stop();
                process.Refresh();
                var loadedSet = process.WorkingSet64;
                var label = first ? "load (first in process, includes the native runtime)" : "load (another session)";
                Console.WriteLine($"threads={threads}  {label}: {load.Elapsed.TotalMilliseconds:F0} ms; working set {Mb(loadedSet)} MB (process baseline {Mb(baseline)} MB)");
                result[$"threads{threads}.load_ms"] = Math.Round(load.Elapsed.TotalMilliseconds, 1);
                result[$"threads{threads}.working_set_after_load_mb"] = Mb(loadedSet);
                first = false;

                // Single-text latency, as a query pays it.
                foreach (var q in questions.Take(20))
                {
                    await generator.GenerateAsync(new[] { q }, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                var latency = new LatencyRecorder();
                var cpuBefore = process.TotalProcessorTime;
                foreach (var q in questions.Skip(20).Take(queries))
                {
                    var started = Stopwatch.GetTimestamp();
                    await generator.GenerateAsync(new[] { q }, cancellationToken: cancellationToken).ConfigureAwait(false);
                    latency.Add(Stopwatch.GetTimestamp() - started);
                }

                process.Refresh();
                var cpuPerQuery = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / queries;
                Console.WriteLine($"threads={threads}  single query: p50 {latency.Percentile(50):F2} ms, p95 {latency.Percentile(95):F2} ms, p99 {latency.Percentile(99):F2} ms; CPU {cpuPerQuery:F2} ms per query");
                result[$"threads{threads}.query"] = latency.Summary();
                result[$"threads{threads}.query_cpu_ms"] = Math.Round(cpuPerQuery, 2);

                foreach (var batch in batches)
                {
                    // Warm the shapes once, then time the whole corpus in calls of `batch` texts.
                    await generator.GenerateAsync(corpus.Take(batch).ToList(), cancellationToken: cancellationToken).ConfigureAwait(false);
                    process.Refresh();
                    var cpuAtStart = process.TotalProcessorTime;
                    var timer = Stopwatch.StartNew();
                    for (var start = 0; start < corpus.Count; start += batch)
                    {
                        await generator.GenerateAsync(corpus.Skip(start).Take(batch).ToList(), cancellationToken: cancellationToken).ConfigureAwait(false);
                    }

                    timer.Stop();
                    process.Refresh();
                    var rate = corpus.Count / timer.Elapsed.TotalSeconds;
                    var cpuPerText = (process.TotalProcessorTime - cpuAtStart).TotalMilliseconds / corpus.Count;
                    Console.WriteLine($"threads={threads}  batch {batch,3}: {rate,7:F1} texts/s; CPU {cpuPerText:F2} ms per text");
                    result[$"threads{threads}.batch{batch}.texts_per_s"] = Math.Round(rate, 1);
                    result[$"threads{threads}.batch{batch}.cpu_ms_per_text"] = Math.Round(cpuPerText, 2);
                }

                // Two callers at once on one session (ONNX Runtime runs them side by side): what an ingest
                // that embeds two batches concurrently would get.
                {
                    const int callers = 2, batch = 16;
                    var timer = Stopwatch.StartNew();
                    var share = (corpus.Count + callers - 1) / callers;
                    await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
                    {
                        var mine = corpus.Skip(c * share).Take(share).ToList();
                        for (var start = 0; start < mine.Count; start += batch)
                        {
                            await generator.GenerateAsync(mine.Skip(start).Take(batch).ToList(), cancellationToken: cancellationToken).ConfigureAwait(false);
                        }
                    }, cancellationToken))).ConfigureAwait(false);
                    timer.Stop();
                    var rate = corpus.Count / timer.Elapsed.TotalSeconds;
                    Console.WriteLine($"threads={threads}  {callers} concurrent callers, batch {batch}: {rate,7:F1} texts/s");
                    result[$"threads{threads}.concurrent{callers}.batch{batch}.texts_per_s"] = Math.Round(rate, 1);
                }

                process.Refresh();
                Console.WriteLine($"threads={threads}  working set after the runs {Mb(process.WorkingSet64)} MB, peak {Mb(process.PeakWorkingSet64)} MB");
                result[$"threads{threads}.working_set_after_runs_mb"] = Mb(process.WorkingSet64);
                Console.WriteLine();
            }

            process.Refresh();
            result["peak_working_set_mb"] = Mb(process.PeakWorkingSet64);

            var probe = new MiniLmEmbeddingGenerator();
            var modelDir = probe.ModelDirectory;
            var modelBytes = Directory.GetFiles(modelDir).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"identity: {probe.Metadata.ProviderName}/{probe.Metadata.DefaultModelId}/{probe.Metadata.DefaultModelDimensions}");
            Console.WriteLine($"on disk: model folder {Mb(modelBytes)} MB ({modelDir})");
            result["model_folder_mb"] = Mb(modelBytes);
            var runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");
            if (Directory.Exists(runtimes))
            {
                foreach (var rid in Directory.GetDirectories(runtimes).OrderBy(d => d, StringComparer.Ordinal))
                {
                    var natives = Directory.GetFiles(rid, "*onnxruntime*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lib", StringComparison.Ordinal)).ToList();
                    if (natives.Count == 0)
                    {
                        continue;
                    }

                    var bytes = natives.Sum(f => new FileInfo(f).Length);
                    Console.WriteLine($"on disk: ONNX Runtime natives {Path.GetFileName(rid),-12} {Mb(bytes),6} MB ({string.Join(", ", natives.Select(Path.GetFileName))})");
                    result[$"natives.{Path.GetFileName(rid)}_mb"] = Mb(bytes);
                }
            }

            var managed = new[] { "Engram.Embeddings.Onnx.dll", "Microsoft.ML.OnnxRuntime.dll", "FastBertTokenizer.dll" }
                .Select(f => Path.Combine(AppContext.BaseDirectory, f)).Where(File.Exists).Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"on disk: managed assemblies (embedder, ONNX Runtime, tokenizer) {Mb(managed)} MB");
            result["managed_mb"] = Mb(managed);

            var path = options.OptionalText("result");
            if (path != null)
            {
                result.Save(path);
            }

            return 0;
        }

        private static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

        private static string RuntimeDescription() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription + ", " + System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }
}
