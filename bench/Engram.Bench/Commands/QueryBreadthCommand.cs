using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Data;
using Engram.Bench.Measurement;
using Engram.Embeddings.Onnx;
using Engram.Local;
using Engram.Local.Embedding;
using Engram.Local.Retrieval;
using Engram.Local.Storage;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// The approximate index's search breadth against an exact scan, on a database whose bucket has an index (built
    /// with the local model or hashing): for each <c>--breadths</c> entry, the dense candidates the engine takes
    /// (<see cref="BucketVectors.Nearest"/>'s index part: the index walks that many neighbours, the best
    /// <see cref="HybridRetriever.CandidatePool"/> (or <c>--keep</c>) by quantised cosine are re-scored exactly) give recall@10 against the exact top 10 (tie-aware), and the search's thread CPU time.
    /// </summary>
    public static class QueryBreadthCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var db = options.Text("db");
            var count = options.Int("questions", 100);
            var questionRows = options.Int("question-rows", 2000);
            var breadths = options.Text("breadths").Split(',').Select(int.Parse).ToArray();
            var embedderName = (options.OptionalText("embedder") ?? "local").ToLowerInvariant();
            using var model = embedderName == "local" ? new MiniLmEmbeddingGenerator() : null;
            using var engine = LocalEngine.Open(new LocalEngineOptions { Path = db, Embedder = model });
            using var connection = engine.Database.OpenConnection();
            var bucket = BucketRepository.Find(connection, LocalEngine.DefaultTenant, IngestCommands.Bucket)
                ?? throw new ArgumentException($"{db} has no bucket '{IngestCommands.Bucket}'.");
            var snapshot = engine.Vectors.Get(connection, bucket.Id);
            var index = snapshot.Approximate ?? throw new ArgumentException($"{db}: the bucket has no ready approximate index.");

            // Every stored vector, for the exact top 10.
            var exact = new Dictionary<long, float[]>();
            var after = 0L;
            while (true)
            {
                var chunk = VectorIndexStore.ReadVectorChunk(connection, bucket.Id, after, 4096);
                foreach (var (seq, blob) in chunk)
                {
                    exact[seq] = VectorMath.FromBytes(blob, engine.Embedder.Dimensions);
                    after = seq;
                }

                if (chunk.Count < 4096)
                {
                    break;
                }
            }

            var questions = QueryCommand.Questions(count, questionRows, 0).Select(q => q.Question).ToList();
            var queries = new List<float[]>();
            foreach (var question in questions)
            {
                queries.Add(await engine.Embedder.EmbedAsync(question, cancellationToken).ConfigureAwait(false));
            }

            var tenth = queries.Select(q => exact.Values.Select(v => VectorMath.Dot(q, v)).OrderByDescending(x => x).Skip(9).First()).ToList();
            var keep = options.Int("keep", HybridRetriever.CandidatePool);
            var results = new Dictionary<string, object>();
            foreach (var breadth in breadths)
            {
                // One untimed pass, so every breadth is measured warm.
                foreach (var q in queries)
                {
                    index.Search(q, Math.Max(keep, breadth));
                }

                var cpu = new LatencyRecorder();
                double hits = 0;
                for (var i = 0; i < queries.Count; i++)
                {
                    var before = CpuClock.Thread();
                    var found = index.Search(queries[i], Math.Max(keep, breadth));
                    cpu.Add(CpuClock.Thread() - before);
                    var top = found.Take(keep).Select(f => VectorMath.Dot(queries[i], exact[f.Seq])).OrderByDescending(x => x).Take(10);
                    hits += Math.Min(10, top.Count(x => x >= tenth[i] - 1e-5f)) / 10.0;
                }

                var summary = cpu.Summary();
                var recall = hits / queries.Count;
                Console.WriteLine($"breadth {breadth,5}: recall@10 {recall:F3}, search thread CPU p50 {summary["p50_ms"]:F2} p95 {summary["p95_ms"]:F2} mean {summary["mean_ms"]:F2} ms");
                results[breadth.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new Dictionary<string, object>
                {
                    ["recall_at_10"] = Math.Round(recall, 3),
                    ["search_cpu"] = summary,
                };
            }

            var result = new ResultFile
            {
                ["database"] = db,
                ["memories"] = exact.Count,
                ["questions"] = queries.Count,
                ["re_scored"] = keep,
                ["breadths"] = results,
            };
            if (options.OptionalText("result") != null)
            {
                result.Save(options.Text("result"));
            }

            return 0;
        }
    }
}
