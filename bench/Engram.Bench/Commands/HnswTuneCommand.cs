using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Cloud.Unum.USearch;
using Engram.Bench.Data;
using Engram.Embeddings.Onnx;
using Engram.Local;
using Microsoft.Data.Sqlite;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// Tunes the approximate index's graph outside the engine: reads the first <c>--rows</c> stored vectors of a scale
    /// database (hashing) or of a model database (<c>--embedder local</c>: the questions go through all-MiniLM-L6-v2), builds a USearch index per <c>--configs</c> entry ("connectivity,expansion_add,i8|f16|f32",
    /// separated by ';') in batches of 1,024 as the engine does, and prints build vectors per CPU-second, search CPU
    /// and recall@10 against an exact scan (tie-aware, like <c>scale --phase recall</c>) with the top k re-scored
    /// exactly, for k = 400 and 1,000.
    /// </summary>
    public static class HnswTuneCommand
    {
        private const int Batch = 1024;

        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var vectors = ReadVectors(options.Text("db"), options.Int("rows"));
            var dims = vectors[0].Length;
            var queries = await Queries(options, cancellationToken).ConfigureAwait(false);
            var tenth = queries.Select(q => vectors.Select(v => ScaleCommand.Dot(q, v)).OrderByDescending(x => x).Take(10).Last()).ToList();
            foreach (var config in options.Text("configs").Split(';'))
            {
                var parts = config.Split(',');
                var scalar = parts[2] == "f16" ? ScalarKind.Float16 : parts[2] == "f32" ? ScalarKind.Float32 : ScalarKind.Int8;
                using var index = new USearchIndex(MetricKind.Cos, scalar, (ulong)dims, ulong.Parse(parts[0]), ulong.Parse(parts[1]), 64, false);
                var cpu = Cpu();
                for (var start = 0; start < vectors.Count; start += Batch)
                {
                    var count = Math.Min(Batch, vectors.Count - start);
                    index.Add(Enumerable.Range(start, count).Select(i => (ulong)i).ToArray(), vectors.GetRange(start, count).ToArray());
                }

                var buildSeconds = (Cpu() - cpu).TotalSeconds;
                foreach (var k in new[] { 400, 1000 })
                {
                    double hits = 0;
                    var searchCpu = Cpu();
                    for (var q = 0; q < queries.Count; q++)
                    {
                        var found = index.Search(queries[q], k, out var keys, out _);
                        var top = keys.Take(found).Select(key => ScaleCommand.Dot(queries[q], vectors[(int)key])).OrderByDescending(x => x).Take(10);
                        hits += Math.Min(10, top.Count(x => x >= tenth[q] - 1e-5)) / 10.0;
                    }

                    var searchMs = (Cpu() - searchCpu).TotalMilliseconds / queries.Count;
                    Console.WriteLine($"{config} rows={vectors.Count} k={k}: recall@10 {hits / queries.Count:F3}, build {vectors.Count / buildSeconds:F0} vectors/CPU-s, search {searchMs:F2} CPU-ms");
                }
            }

            return 0;
        }

        // A scale file: the scale questions through its embedder (`--dims` as in `scale`: 0 = hashing, otherwise the
        // clustered stand-in). `--embedder local` (a model file such as the bench's 100,000-memory MiniLM database):
        // the query bench's questions through the model.
        internal static async Task<List<float[]>> Queries(CommandLine options, CancellationToken cancellationToken)
        {
            var count = options.Int("questions", 60);
            if ((options.OptionalText("embedder") ?? "hashing").ToLowerInvariant() != "local")
            {
                var embedder = ScaleCommand.Embedder(options) ?? new HashingEmbedder();
                var embedded = await embedder.GenerateAsync(FactGenerator.Questions(count, 1_000_000, 3), null, cancellationToken).ConfigureAwait(false);
                return embedded.Select(e => ScaleCommand.Normalised(e.Vector.ToArray())).ToList();
            }

            using var model = new MiniLmEmbeddingGenerator();
            var questions = QueryCommand.Questions(count, options.Int("question-rows", 2000), 0).Select(q => q.Question).ToList();
            var vectors = await model.GenerateAsync(questions, null, cancellationToken).ConfigureAwait(false);
            return vectors.Select(e => ScaleCommand.Normalised(e.Vector.ToArray())).ToList();
        }

        internal static List<float[]> ReadVectors(string path, int rows)
        {
            var vectors = new List<float[]>(rows);
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT embedding FROM memories ORDER BY seq LIMIT $rows;";
            command.Parameters.AddWithValue("$rows", rows);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var blob = (byte[])reader.GetValue(0);
                var vector = new float[blob.Length / sizeof(float)];
                Buffer.BlockCopy(blob, 0, vector, 0, blob.Length);
                vectors.Add(vector);
            }

            return vectors;
        }

        private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;
    }
}
