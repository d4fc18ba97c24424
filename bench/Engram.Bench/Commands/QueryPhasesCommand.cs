using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Data;
using Engram.Bench.Measurement;
using Engram.Client;
using Engram.Embeddings.Onnx;
using Engram.Local;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Microsoft.Extensions.AI;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// Where an in-process, retrieval-only query spends its time, phase by phase: the question's embedding,
    /// the connection and bucket lookup, then <see cref="HybridRetriever"/>'s own phases as the engine times
    /// them (<see cref="RetrievalPhaseTimes"/>). Each question is also asked once through the public
    /// <c>QueryAsync</c> (the whole call, explanation included), interleaved, so the sum of the phases can be
    /// checked against the real thing in the same run. --wait-index lets the approximate index catch up after the
    /// first query (which asks for it) and before the measured ones; the engine saves it when it closes, so a
    /// database built by ingest-inproc is measured as later openings will see it.
    /// </summary>
    public static class QueryPhasesCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var db = options.Text("db");
            var count = options.Int("questions", 200);
            var warmup = options.Int("warmup", 50);
            var questionRows = options.Int("question-rows", 2000);
            var embedderName = (options.OptionalText("embedder") ?? "local").ToLowerInvariant();
            using var model = embedderName == "local" ? new MiniLmEmbeddingGenerator() : null;
            if (embedderName != "local" && embedderName != "hashing" && embedderName != "clustered")
            {
                throw new ArgumentException($"--embedder must be hashing, local or clustered (a `scale --dims N` file), got '{embedderName}'.");
            }

            // --embedder clustered: the stand-in of a `scale --dims N` file (--dims, default 384).
            var clustered = embedderName == "clustered" ? new ClusteredEmbedder(options.Int("dims", 384)) : null;

            var opened = Stopwatch.StartNew();
            using var engine = LocalEngine.Open(new LocalEngineOptions
            {
                Path = db,
                Embedder = (IEmbeddingGenerator<string, Embedding<float>>?)model ?? clustered,
                // --index-minimum N: buckets from N memories use the approximate index (default: the engine's own).
                VectorIndexMinimum = options.OptionalText("index-minimum") == null ? (int?)null : options.Int("index-minimum"),
            });
            opened.Stop();
            using var service = engine.ForTenant(LocalEngine.DefaultTenant);
            var first = Stopwatch.StartNew();
            await service.QueryAsync(new QueryRequest("warm-up question", IngestCommands.Bucket) { SkipSynthesis = true }, cancellationToken).ConfigureAwait(false);
            first.Stop();

            // The first query asks for the bucket's index when it has none yet; wait for it here when told to.
            var indexWait = Stopwatch.StartNew();
            if (options.OptionalText("wait-index") != null)
            {
                engine.WaitForVectorIndexes(cancellationToken);
            }

            indexWait.Stop();

            var names = new[] { "embed", "bucket_lookup", "snapshot", "dense", "dense_scan", "dense_rescore", "lexical_plan", "lexical_search", "lexical_vectors", "fusion", "row_fetch", "recency", "phases_total", "phases_thread_cpu", "query_async", "query_async_cpu" };
            var recorders = names.ToDictionary(n => n, _ => new LatencyRecorder());
            var found = 0;
            var perQuestion = new List<(string Question, Dictionary<string, double> Phases)>();
            Dictionary<string, long> threadsBefore = new Dictionary<string, long>();
            var gcBefore = new int[3];
            var questions = QueryCommand.Questions(warmup, questionRows, 7).Concat(QueryCommand.Questions(count, questionRows, 0)).ToList();
            for (var q = 0; q < questions.Count; q++)
            {
                var (question, source) = questions[q];
                var measured = q >= warmup;

                // CPU time of the process around the call (read outside the clock): on a busy machine the wall clock
                // also counts waiting for a core. The query's lexical search runs on another thread beside the
                // embedding, so it is the process's time that is the query's (plus what else ran: the CPU by thread
                // below); the phase run is on this thread alone.
                if (q == warmup)
                {
                    threadsBefore = CpuClock.ByThreadName();
                    gcBefore = GcCounts();
                }

                var cpuBefore = CpuClock.Process();
                var start = Stopwatch.GetTimestamp();
                var result = await service.QueryAsync(new QueryRequest(question, IngestCommands.Bucket) { SkipSynthesis = true }, cancellationToken).ConfigureAwait(false);
                var whole = Stopwatch.GetTimestamp() - start;
                var cpu = CpuClock.Process() - cpuBefore;

                // --clock cpu: the retriever's phases in this thread's CPU time (a shared machine's wall clock counts waiting for a core).
                var phases = new RetrievalPhaseTimes { Clock = options.OptionalText("clock") == "cpu" ? CpuClock.Thread : (Func<long>?)null };
                var phasesCpu = CpuClock.Thread();
                var mark = Stopwatch.GetTimestamp();
                var vector = await engine.Embedder.EmbedAsync(question, cancellationToken).ConfigureAwait(false);
                var embed = RetrievalPhaseTimes.Since(ref mark);
                using var connection = engine.Database.OpenConnection();
                engine.EnsureEmbedderStillMatches(connection);
                var bucket = BucketRepository.Find(connection, LocalEngine.DefaultTenant, IngestCommands.Bucket)
                    ?? throw new ArgumentException($"{db} has no bucket '{IngestCommands.Bucket}'.");
                // The whole query just read this question's index candidates into the fetcher's cache: drop them, so
                // the dense and lexical-vector phases pay the reads the whole query paid.
                engine.Vectors.Indexes?.Fetcher(bucket.Id).Clear();
                var lookup = RetrievalPhaseTimes.Since(ref mark);
                HybridRetriever.Retrieve(connection, engine.Vectors, bucket, Request(engine, question, vector, phases));
                var retrieve = RetrievalPhaseTimes.Since(ref mark);
                phasesCpu = CpuClock.Thread() - phasesCpu;
                if (!measured)
                {
                    continue;
                }

                if (result.Explanation?.RetrievedMemories.Any(m => m.Content == source) == true)
                {
                    found++;
                }

                recorders["query_async"].Add(whole);
                recorders["query_async_cpu"].Add(cpu);
                recorders["embed"].Add(embed);
                recorders["bucket_lookup"].Add(lookup);
                recorders["snapshot"].Add(phases.Snapshot);
                recorders["dense"].Add(phases.Dense);
                recorders["dense_scan"].Add(phases.DenseScan);
                recorders["dense_rescore"].Add(phases.DenseRescore);
                recorders["lexical_plan"].Add(phases.LexicalPlan);
                recorders["lexical_search"].Add(phases.LexicalSearch);
                recorders["lexical_vectors"].Add(phases.LexicalVectors);
                recorders["fusion"].Add(phases.Fusion);
                recorders["row_fetch"].Add(phases.RowFetch);
                recorders["recency"].Add(phases.Recency);
                recorders["phases_total"].Add(embed + lookup + retrieve);
                recorders["phases_thread_cpu"].Add(phasesCpu);
                perQuestion.Add((question, new Dictionary<string, double>
                {
                    ["total"] = Ms(embed + lookup + retrieve),
                    ["cpu"] = Ms(phasesCpu),
                    ["scan"] = Ms(phases.DenseScan),
                    ["rescore"] = Ms(phases.DenseRescore),
                    ["dense"] = Ms(phases.Dense),
                    ["lex_plan"] = Ms(phases.LexicalPlan),
                    ["lex_search"] = Ms(phases.LexicalSearch),
                    ["lex_vectors"] = Ms(phases.LexicalVectors),
                    ["fusion"] = Ms(phases.Fusion),
                    ["rows"] = Ms(phases.RowFetch),
                    ["recency"] = Ms(phases.Recency),
                }));
            }

            // The costliest questions phase by phase (by the phase run's CPU time), with the FTS5 query they ran.
            using (var connection = engine.Database.OpenConnection())
            {
                var bucket = BucketRepository.Find(connection, LocalEngine.DefaultTenant, IngestCommands.Bucket)!;
                foreach (var (question, times) in perQuestion.OrderByDescending(p => p.Phases["cpu"]).Take(options.Int("slowest", 8)))
                {
                    var lexicalQuery = Fts5QueryBuilder.Build(connection, bucket, Fts5QueryBuilder.Terms(question));
                    Console.WriteLine($"slow: {string.Join(" ", times.Select(t => $"{t.Key} {t.Value:F1}"))} | {question} | {lexicalQuery?.Expression}{(lexicalQuery?.Ranked == false ? " (newest, unranked)" : string.Empty)}");
                }
            }

            var threads = CpuClock.Difference(threadsBefore, CpuClock.ByThreadName());
            var gcs = GcCounts().Select((n, i) => n - gcBefore[i]).ToArray();
            Console.WriteLine($"measured part: CPU by thread (ms) {string.Join(", ", threads.Select(t => $"{t.Key} {t.Value}"))}; GCs gen0/1/2 {string.Join("/", gcs)}");
            var buckets = await service.ListBucketsAsync(cancellationToken).ConfigureAwait(false);
            var phasesOut = names.ToDictionary(n => n, n => (object)recorders[n].Summary());
            foreach (var n in names)
            {
                var s = recorders[n].Summary();
                Console.WriteLine($"{n,-16} p50 {s["p50_ms"],8:F2}  p95 {s["p95_ms"],8:F2}  p99 {s["p99_ms"],8:F2}  mean {s["mean_ms"],8:F2} ms");
            }

            var profile = new ResultFile
            {
                ["database"] = db,
                ["memories"] = buckets.FirstOrDefault(b => b.Name == IngestCommands.Bucket)?.MemoryCount ?? 0,
                ["questions"] = count,
                ["open_ms"] = Math.Round(opened.Elapsed.TotalMilliseconds, 1),
                ["index_wait_ms"] = Math.Round(indexWait.Elapsed.TotalMilliseconds, 1),
                ["first_query_ms"] = Math.Round(first.Elapsed.TotalMilliseconds, 1),
                ["source_in_top_k"] = Math.Round((double)found / Math.Max(1, count), 3),
                ["phases"] = phasesOut,
                ["working_set_bytes"] = Process.GetCurrentProcess().WorkingSet64,
                ["measured_cpu_by_thread_ms"] = threads.ToDictionary(t => t.Key, t => (object)t.Value),
                ["measured_gc_counts"] = gcs,
            };
            profile.Save(options.Text("result"));
            return 0;
        }

        /// <summary>What a retrieval-only query asks of one bucket (top 8, the engine's settings), timed phase by phase.</summary>
        internal static RetrievalRequest Request(LocalEngine engine, string question, float[] vector, RetrievalPhaseTimes phases) => new RetrievalRequest
        {
            QueryVector = vector,
            Terms = Fts5QueryBuilder.Terms(question),
            TopK = 8,
            Mode = engine.Options.Retrieval,
            Fusion = engine.Fusion,
            NearDuplicate = engine.Calibration.NearDuplicate,
            Phases = phases,
        };

        private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

        private static int[] GcCounts() => new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
    }
}
