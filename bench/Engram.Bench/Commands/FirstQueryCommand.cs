using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Data;
using Engram.Bench.Measurement;
using Engram.Client;
using Engram.Local;
using Engram.Local.Retrieval;
using Engram.Local.Storage;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// Where the first query after opening a file spends its time (issue 14: at most 1 s at a million memories), in a
    /// fresh process, step by step: the engine's open, the bucket's index made ready (a saved coded table read), the
    /// vector snapshot (logged deletions, the tail after the index), the question's embedding, then the retriever's
    /// own phases; then a second question the same way, so what only the first pays shows as the difference. Each
    /// step is reported by wall clock, this thread's CPU and the whole process's CPU (work on other threads: the
    /// runtime's tiered JIT, background loading), with the methods the JIT compiled in it when --jit is on.
    /// --parts reads the largest saved table once on its own first, in parts (kernel, planes, file), before the engine.
    /// --whole runs the first question through the public QueryAsync instead, as `scale --phase query` times it.
    /// </summary>
    public static class FirstQueryCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var rows = options.Int("rows");
            var gen2Before = GC.CollectionCount(2);
            var questions = FactGenerator.Questions(2, rows, 0);
            using var jit = options.OptionalText("jit") != null ? new JitListener() : null;
            var steps = new List<Dictionary<string, object>>();
            var step = new StepClock(jit);

            if (options.OptionalText("parts") != null)
            {
                // The parts of reading a saved table, on this thread before the engine opens: the type, then the file itself.
                GC.KeepAlive(new CodedVectorTable(HashingEmbedder.DefaultDimensions));
                steps.Add(step.Lap("table_type_init"));
                var file = System.IO.Directory.GetFiles(options.Text("db") + ".vectors", "*" + ApproximateIndex.CodesSuffix).OrderByDescending(f => new System.IO.FileInfo(f).Length).First();
                var gcs = GC.CollectionCount(2);
                GC.KeepAlive(CodedVectorTable.Load(file, HashingEmbedder.DefaultDimensions));
                var load = step.Lap("table_load");
                load["gen2_gcs"] = GC.CollectionCount(2) - gcs;
                steps.Add(load);
                GC.Collect();
                steps.Add(step.Lap("collect"));
            }

            var engine = LocalEngine.Open(new LocalEngineOptions { Path = options.Text("db") });
            steps.Add(step.Lap("open"));
            try
            {
                using var service = engine.ForTenant(LocalEngine.DefaultTenant);
                if (options.OptionalText("whole") != null)
                {
                    await service.QueryAsync(new QueryRequest(questions[0], IngestCommands.Bucket) { SkipSynthesis = true }, cancellationToken).ConfigureAwait(false);
                    steps.Add(step.Lap("query_async"));
                }
                else
                {
                    for (var q = 0; q < questions.Count; q++)
                    {
                        steps.AddRange(await Retrieve(engine, questions[q], q == 0 ? "first" : "second", step, cancellationToken).ConfigureAwait(false));
                    }
                }

                await service.QueryAsync(new QueryRequest(questions[1], IngestCommands.Bucket) { SkipSynthesis = true }, cancellationToken).ConfigureAwait(false);
                steps.Add(step.Lap("query_async_after"));
            }
            finally
            {
                engine.Dispose();
            }

            steps.Add(step.Lap("close"));
            foreach (var s in steps)
            {
                Console.WriteLine(string.Join("  ", s.Select(p => $"{p.Key} {p.Value}")));
            }

            using var self = Process.GetCurrentProcess();
            new ResultFile
            {
                ["database"] = options.Text("db"),
                ["steps"] = steps,
                ["peak_working_set_bytes"] = self.PeakWorkingSet64,
                ["gen2_gcs"] = GC.CollectionCount(2) - gen2Before,
            }.Save(options.Text("result"));
            return 0;
        }

        private static async Task<List<Dictionary<string, object>>> Retrieve(LocalEngine engine, string question, string label, StepClock step, CancellationToken cancellationToken)
        {
            var steps = new List<Dictionary<string, object>>();
            using var connection = engine.Database.OpenConnection();
            var bucket = BucketRepository.Find(connection, LocalEngine.DefaultTenant, IngestCommands.Bucket)
                ?? throw new ArgumentException($"The file has no bucket '{IngestCommands.Bucket}'.");
            engine.Vectors.Indexes?.Ready(connection, bucket.Id, null);
            steps.Add(step.Lap(label + "_index_ready"));
            engine.Vectors.Get(connection, bucket.Id);
            steps.Add(step.Lap(label + "_snapshot"));
            var vector = await engine.Embedder.EmbedAsync(question, cancellationToken).ConfigureAwait(false);
            steps.Add(step.Lap(label + "_embed"));
            var phases = new RetrievalPhaseTimes();
            HybridRetriever.Retrieve(connection, engine.Vectors, bucket, QueryPhasesCommand.Request(engine, question, vector, phases));
            var retrieve = step.Lap(label + "_retrieve");
            foreach (var (name, ticks) in new[]
            {
                ("snapshot", phases.Snapshot), ("dense", phases.Dense), ("scan", phases.DenseScan),
                ("rescore", phases.DenseRescore), ("lex_plan", phases.LexicalPlan), ("lex_search", phases.LexicalSearch),
                ("lex_vectors", phases.LexicalVectors), ("fusion", phases.Fusion), ("rows", phases.RowFetch), ("recency", phases.Recency),
            })
            {
                retrieve[name + "_ms"] = Ms(ticks);
            }

            steps.Add(retrieve);
            return steps;
        }

        private static double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 1);

        /// <summary>Wall clock, this thread's and the process's CPU time, and JIT-compiled methods since the last lap.</summary>
        private sealed class StepClock
        {
            private readonly JitListener? _jit;
            private long _wall = Stopwatch.GetTimestamp();
            private long _thread = CpuClock.Thread();
            private long _process = CpuClock.Process();
            private int _methods;

            public StepClock(JitListener? jit) => _jit = jit;

            public Dictionary<string, object> Lap(string name)
            {
                var (wall, thread, process) = (Stopwatch.GetTimestamp(), CpuClock.Thread(), CpuClock.Process());
                var lap = new Dictionary<string, object>
                {
                    ["step"] = name,
                    ["wall_ms"] = Ms(wall - _wall),
                    ["thread_cpu_ms"] = Ms(thread - _thread),
                    ["process_cpu_ms"] = Ms(process - _process),
                };
                if (_jit != null)
                {
                    lap["jit_methods"] = _jit.Methods - _methods;
                    _methods = _jit.Methods;
                }

                (_wall, _thread, _process) = (Stopwatch.GetTimestamp(), CpuClock.Thread(), CpuClock.Process());
                return lap;
            }
        }
    }
}
