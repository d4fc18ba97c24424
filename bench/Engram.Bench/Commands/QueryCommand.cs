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
using Engram.Server;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// Query latency per database size: retrieval only and with the extractive answer, in-process and over
    /// loopback HTTP (EngramHttpService → LocalEngramServer on the same engine), buffered and streamed (time
    /// to the first delta). One caller, one query at a time, after a warm-up with other questions.
    /// </summary>
    public static class QueryCommand
    {
        private const string ApiKey = "bench-query-key";

        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var databases = options.Text("db").Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries);
            var count = options.Int("questions", 300);
            var warmup = options.Int("warmup", 50);
            var questionRows = options.Int("question-rows");
            var embedder = (options.OptionalText("embedder") ?? "hashing").ToLowerInvariant();
            var only = options.OptionalText("cells");
            // --settle N: after the warm-up, keep asking warm-up questions until N in a row compiled no method (the
            // runtime's tiered JIT has caught up), at most 40 × N more; 0 (the default) warms up by count only.
            var settle = options.OptionalText("settle") == null ? 0 : options.Int("settle");
            // --ab-lexical: the in-process retrieval cell alternates question by question between the lexical search
            // beside the embedding (the engine's default) and after it, inline, and reports both side by side.
            var abLexical = options.OptionalText("ab-lexical") != null;
            var measured = Questions(count, questionRows, 0);
            var warming = Questions(warmup, questionRows, 7);

            var sizes = new List<object>();
            foreach (var db in databases)
            {
                sizes.Add(await MeasureDatabaseAsync(db, embedder, only, measured, warming, settle, abLexical, cancellationToken).ConfigureAwait(false));
            }

            var result = new ResultFile
            {
                ["questions_per_cell"] = count,
                ["warmup_per_cell"] = warmup,
                ["sizes"] = sizes,
            };
            result.Save(options.Text("result"));
            return 0;
        }

        /// <summary>Questions about facts among the first <paramref name="withinRows"/> rows, evenly spread, with their source facts.</summary>
        internal static List<(string Question, string Source)> Questions(int count, int withinRows, int offset)
        {
            var step = Math.Max(1, withinRows / Math.Max(1, count));
            return Enumerable.Range(0, count)
                .Select(k => FactGenerator.Row((k * step + offset) % withinRows))
                .Select(f => (f.Question, f.Content))
                .ToList();
        }

        private static async Task<Dictionary<string, object>> MeasureDatabaseAsync(
            string db,
            string embedder,
            string? only,
            List<(string Question, string Source)> measured,
            List<(string Question, string Source)> warming,
            int settle,
            bool abLexical,
            CancellationToken cancellationToken)
        {
            // --embedder local: all-MiniLM-L6-v2 as the engine's embedder, so each question is embedded by the
            // model inside the timed call (the database must have been ingested with it).
            using var model = embedder == "local" ? new MiniLmEmbeddingGenerator() : null;
            if (embedder != "local" && embedder != "hashing")
            {
                throw new ArgumentException($"--embedder must be hashing or local, got '{embedder}'.");
            }

            using var engine = LocalEngine.Open(new LocalEngineOptions { Path = db, Embedder = model });
            using var local = engine.ForTenant(LocalEngine.DefaultTenant);
            var serverOptions = new LocalServerOptions();
            serverOptions.ApiKeys[ApiKey] = LocalEngine.DefaultTenant;
            using var server = new LocalEngramServer(engine, serverOptions);
            server.Start();
            using var http = new EngramHttpService(new EngramClientOptions { BaseUrl = server.BaseUrl.ToString(), ApiKey = ApiKey });

            var buckets = await local.ListBucketsAsync(cancellationToken).ConfigureAwait(false);
            var memories = buckets.FirstOrDefault(b => b.Name == IngestCommands.Bucket)?.MemoryCount ?? 0;

            // The first question after opening pays the vector cache load (and, with the model, its lazy load).
            var first = Stopwatch.StartNew();
            await local.QueryAsync(new QueryRequest(warming[0].Question, IngestCommands.Bucket) { SkipSynthesis = true }, cancellationToken).ConfigureAwait(false);
            first.Stop();

            var cells = new Dictionary<string, object>();
            var services = new (string Name, IEngramService Service)[] { ("inproc", local), ("http", http) };
            foreach (var (name, service) in services)
            {
                foreach (var (mode, skip, stream) in new[] { ("retrieval", true, false), ("answer", false, false), ("stream_first_delta", false, true) })
                {
                    if (only != null && Array.IndexOf(only.Split(','), name + "_" + mode) < 0)
                    {
                        continue;
                    }

                    // Warm-up: JIT, connection, the bucket's vector cache loaded from the file. Its latencies are what
                    // the first questions after opening cost, reported beside the warm figures.
                    var warmingLatencies = new LatencyRecorder();
                    await RunCellAsync(service, warming, skip, stream, warmingLatencies, null, cancellationToken).ConfigureAwait(false);
                    var settling = await SettleAsync(service, warming, skip, stream, settle, cancellationToken).ConfigureAwait(false);
                    var latencies = new LatencyRecorder();
                    var queryCpu = new LatencyRecorder();
                    var processCpu = CpuClock.Process();
                    var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                    var wall = Stopwatch.GetTimestamp();
                    var recall = await RunCellAsync(service, measured, skip, stream, latencies, name == "inproc" ? queryCpu : null, cancellationToken).ConfigureAwait(false);
                    var busy = (double)(CpuClock.Process() - processCpu) / (Stopwatch.GetTimestamp() - wall);
                    var summary = latencies.Summary();
                    var cell = new Dictionary<string, object>(summary.ToDictionary(p => p.Key, p => (object)p.Value))
                    {
                        ["source_in_top_k"] = Math.Round(recall, 3),
                        ["warmup_questions"] = warming.Count + settling,
                        ["after_open"] = warmingLatencies.Summary(),
                        ["methods_compiled_while_measured"] = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore,
                        // Process CPU over wall time while measured: above 1 means other threads ran beside the queries.
                        ["process_cores_busy"] = Math.Round(busy, 2),
                    };
                    if (queryCpu.Count > 0)
                    {
                        // The process's CPU time during each in-process query: the query's own cost on both cores (its
                        // lexical search runs beside the embedding), plus whatever else ran (little once settled).
                        cell["cpu"] = queryCpu.Summary();
                    }
                    cells[name + "_" + mode] = cell;
                    if (abLexical && name == "inproc" && skip && !stream)
                    {
                        cells["inproc_retrieval_lexical_ab"] = await AlternateLexicalAsync(engine, service, measured, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await server.StopAsync().ConfigureAwait(false);
            return new Dictionary<string, object>
            {
                ["database"] = db,
                ["memories"] = memories,
                ["cells"] = cells,
                ["first_query_ms"] = Math.Round(first.Elapsed.TotalMilliseconds, 1),
                ["working_set_bytes"] = Process.GetCurrentProcess().WorkingSet64,
                ["peak_working_set_bytes"] = Process.GetCurrentProcess().PeakWorkingSet64,
            };
        }

        /// <summary>
        /// Each question asked twice in a row, the lexical search beside the embedding and after it (which goes first
        /// alternates; the shared cache of stored vectors is emptied before each), so both see the same machine load:
        /// wall and process CPU time of each.
        /// </summary>
        private static async Task<Dictionary<string, object>> AlternateLexicalAsync(LocalEngine engine, IEngramService service, List<(string Question, string Source)> questions, CancellationToken cancellationToken)
        {
            var wall = new[] { new LatencyRecorder(), new LatencyRecorder() };
            var cpu = new[] { new LatencyRecorder(), new LatencyRecorder() };
            var bucketId = (await service.ListBucketsAsync(cancellationToken).ConfigureAwait(false)).First(b => b.Name == IngestCommands.Bucket).Id;
            for (var q = 0; q < questions.Count; q++)
            {
                foreach (var beside in q % 2 == 0 ? new[] { true, false } : new[] { false, true })
                {
                    engine.LexicalBesideEmbedding = beside;
                    // The first asking read the question's index candidates into the fetcher's cache: each starts cold.
                    engine.Vectors.Indexes?.Fetcher(bucketId).Clear();
                    var started = Stopwatch.GetTimestamp();
                    var before = CpuClock.Process();
                    await service.QueryAsync(new QueryRequest(questions[q].Question, IngestCommands.Bucket) { SkipSynthesis = true }, cancellationToken).ConfigureAwait(false);
                    var k = beside ? 0 : 1;
                    cpu[k].Add(CpuClock.Process() - before);
                    wall[k].Add(Stopwatch.GetTimestamp() - started);
                }
            }

            engine.LexicalBesideEmbedding = true;
            return new Dictionary<string, object>
            {
                ["beside"] = wall[0].Summary(),
                ["beside_cpu"] = cpu[0].Summary(),
                ["inline"] = wall[1].Summary(),
                ["inline_cpu"] = cpu[1].Summary(),
            };
        }

        /// <summary>
        /// Asks warm-up questions again until <paramref name="quiet"/> in a row compiled no method, at most 40 × quiet;
        /// returns how many it asked (0 when <paramref name="quiet"/> is 0).
        /// </summary>
        private static async Task<int> SettleAsync(IEngramService service, List<(string Question, string Source)> warming, bool skip, bool stream, int quiet, CancellationToken cancellationToken)
        {
            var asked = 0;
            var calm = 0;
            while (quiet > 0 && calm < quiet && asked < 40 * quiet)
            {
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
                await RunCellAsync(service, new List<(string, string)> { warming[asked % warming.Count] }, skip, stream, null, null, cancellationToken).ConfigureAwait(false);
                calm = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled ? calm + 1 : 0;
                asked++;
            }

            return asked;
        }

        /// <summary>Runs every question once; returns the share whose source fact was retrieved (a sanity check of the figures).</summary>
        private static async Task<double> RunCellAsync(
            IEngramService service,
            List<(string Question, string Source)> questions,
            bool skipSynthesis,
            bool stream,
            LatencyRecorder? latencies,
            LatencyRecorder? cpuTimes,
            CancellationToken cancellationToken)
        {
            var found = 0;
            foreach (var (question, source) in questions)
            {
                var request = new QueryRequest(question, IngestCommands.Bucket) { SkipSynthesis = skipSynthesis };
                var started = Stopwatch.GetTimestamp();
                QueryResult? final = null;
                if (stream)
                {
                    long? firstDelta = null;
                    await foreach (var e in service.QueryStreamAsync(request, cancellationToken).ConfigureAwait(false))
                    {
                        if (e.Type == QueryStreamEventType.Delta && firstDelta == null)
                        {
                            firstDelta = Stopwatch.GetTimestamp() - started;
                        }
                        else if (e.Type == QueryStreamEventType.Done)
                        {
                            final = e.Final;
                        }
                    }

                    // An answer with no delta (nothing retrieved) counts its full time.
                    latencies?.Add(firstDelta ?? Stopwatch.GetTimestamp() - started);
                }
                else
                {
                    var cpu = cpuTimes == null ? 0 : CpuClock.Process();
                    final = await service.QueryAsync(request, cancellationToken).ConfigureAwait(false);
                    latencies?.Add(Stopwatch.GetTimestamp() - started);
                    cpuTimes?.Add(CpuClock.Process() - cpu);
                }

                if (final?.Explanation?.RetrievedMemories.Any(m => m.Content == source) == true)
                {
                    found++;
                }
            }

            return questions.Count == 0 ? 0 : (double)found / questions.Count;
        }
    }
}
