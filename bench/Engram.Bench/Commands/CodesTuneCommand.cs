using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using Engram.Bench.Data;
using Engram.Local;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// Probes compact codes as the candidate generator of a large bucket: reads the first <c>--rows</c> stored vectors
    /// of a scale database (questions as in <c>hnsw-tune</c>: <c>--dims</c>, or <c>--embedder local</c> for a model
    /// database), codes them as the signs of <c>--bits</c> random Gaussian projections, ranks every row
    /// by Hamming distance to the query's code (and, for comparison, by the query's projections summed under the
    /// signs), and prints recall@10 against an exact scan when the best M of that ranking are re-scored exactly.
    /// </summary>
    public static class CodesTuneCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            // --generate: the bench facts' hashing vectors made here (no database needed; a build's dedup may drop a few).
            var vectors = options.OptionalText("generate") == null
                ? HnswTuneCommand.ReadVectors(options.Text("db"), options.Int("rows"))
                : await Generated(options.Int("rows"), cancellationToken).ConfigureAwait(false);
            var dims = vectors[0].Length;
            var queries = await HnswTuneCommand.Queries(options, cancellationToken).ConfigureAwait(false);
            var tenth = queries.Select(q => vectors.Select(v => ScaleCommand.Dot(q, v)).OrderByDescending(x => x).Take(10).Last()).ToList();
            if (options.OptionalText("mode") != "sketch")
            {
                return Table(options, vectors, queries, tenth);
            }

            var depths = new[] { 500, 1000, 2000, 4000, 8000, 16000 };
            foreach (var bits in (options.OptionalText("bits") ?? "256,512,1024").Split(',').Select(int.Parse))
            {
                var planes = Planes(bits, dims);
                var words = bits / 64;
                var codes = new ulong[vectors.Count * words];
                for (var i = 0; i < vectors.Count; i++)
                {
                    Encode(Project(planes, vectors[i], bits), codes, i * words);
                }

                var hamming = new double[depths.Length];
                var asymmetric = new double[depths.Length];
                var clock = System.Diagnostics.Stopwatch.StartNew();
                for (var q = 0; q < queries.Count; q++)
                {
                    var projected = Project(planes, queries[q], bits);
                    var own = new ulong[words];
                    Encode(projected, own, 0);
                    var byHamming = new (int Row, float Score)[vectors.Count];
                    var byAsymmetric = new (int Row, float Score)[vectors.Count];
                    for (var i = 0; i < vectors.Count; i++)
                    {
                        var distance = 0;
                        var sum = 0f;
                        for (var w = 0; w < words; w++)
                        {
                            var word = codes[i * words + w];
                            distance += BitOperations.PopCount(word ^ own[w]);
                        }

                        for (var b = 0; b < bits; b++)
                        {
                            sum += ((codes[i * words + (b >> 6)] >> (b & 63)) & 1) != 0 ? projected[b] : -projected[b];
                        }

                        byHamming[i] = (i, -distance);
                        byAsymmetric[i] = (i, sum);
                    }

                    Array.Sort(byHamming, (a, b) => b.Score.CompareTo(a.Score));
                    Array.Sort(byAsymmetric, (a, b) => b.Score.CompareTo(a.Score));
                    for (var d = 0; d < depths.Length; d++)
                    {
                        hamming[d] += Recall(byHamming, depths[d], queries[q], vectors, tenth[q]);
                        asymmetric[d] += Recall(byAsymmetric, depths[d], queries[q], vectors, tenth[q]);
                    }
                }

                for (var d = 0; d < depths.Length; d++)
                {
                    Console.WriteLine($"bits={bits} rows={vectors.Count} M={depths[d]}: recall@10 hamming {hamming[d] / queries.Count:F3}, asymmetric {asymmetric[d] / queries.Count:F3}");
                }

                Console.WriteLine($"  ({clock.Elapsed.TotalSeconds:F1} s)");
            }

            return 0;
        }

        /// <summary>
        /// The engine's own <see cref="Engram.Local.Retrieval.CodedVectorTable"/>: for each count in <c>--rescore</c>
        /// (default 100,200,400), recall@10 when its best that many by 8-bit cosine are re-scored exactly, and the CPU
        /// per search (the process's: the pass runs on the caller and pool threads; and the calling thread's).
        /// </summary>
        private static int Table(CommandLine options, List<float[]> vectors, List<float[]> queries, List<float> tenth)
        {
            var cpu = Measurement.CpuClock.Process();
            var table = new Engram.Local.Retrieval.CodedVectorTable(vectors[0].Length);
            for (var i = 0; i < vectors.Count; i++)
            {
                table.Append(i + 1, vectors[i]);
            }

            var ticksToMs = 1000.0 / System.Diagnostics.Stopwatch.Frequency;
            Console.WriteLine($"rows={vectors.Count}: coded in {(Measurement.CpuClock.Process() - cpu) * ticksToMs / 1000:F1} CPU-s ({(Measurement.CpuClock.Process() - cpu) * ticksToMs * 1000 / vectors.Count:F2} CPU-us a row)");
            foreach (var rescore in (options.OptionalText("rescore") ?? "100,200,400").Split(',').Select(int.Parse))
            {
                double hits = 0;
                table.Search(queries[0], rescore);
                var phases = new Engram.Local.Retrieval.RetrievalPhaseTimes { Clock = Measurement.CpuClock.Thread };
                cpu = Measurement.CpuClock.Process();
                var found = new List<List<(long Seq, float Cosine)>>();
                for (var q = 0; q < queries.Count; q++)
                {
                    found.Add(table.Search(queries[q], rescore, phases));
                }

                var searchMs = (Measurement.CpuClock.Process() - cpu) * ticksToMs / queries.Count;
                for (var q = 0; q < queries.Count; q++)
                {
                    var top = found[q].Select(f => ScaleCommand.Dot(queries[q], vectors[(int)f.Seq - 1])).OrderByDescending(x => x).Take(10);
                    hits += Math.Min(10, top.Count(x => x >= tenth[q] - 1e-5)) / 10.0;
                }

                Console.WriteLine($"rows={vectors.Count} rescore={rescore}: recall@10 {hits / queries.Count:F3}, search {searchMs:F2} CPU-ms of the process ({phases.DenseScan * ticksToMs / queries.Count:F2} on the calling thread)");
            }

            return 0;
        }

        private static async Task<List<float[]>> Generated(int rows, CancellationToken cancellationToken)
        {
            var embedder = new HashingEmbedder();
            var vectors = new List<float[]>(rows);
            for (var start = 0; start < rows; start += 10_000)
            {
                var embedded = await embedder.GenerateAsync(FactGenerator.Contents(start, Math.Min(10_000, rows - start)), null, cancellationToken).ConfigureAwait(false);
                vectors.AddRange(embedded.Select(e => ScaleCommand.Normalised(e.Vector.ToArray())));
            }

            return vectors;
        }

        private static double Recall((int Row, float Score)[] ranked, int depth, float[] query, List<float[]> vectors, float tenth)
        {
            var top = ranked.Take(Math.Min(depth, ranked.Length)).Select(r => ScaleCommand.Dot(query, vectors[r.Row])).OrderByDescending(x => x).Take(10);
            return Math.Min(10, top.Count(x => x >= tenth - 1e-5)) / 10.0;
        }

        internal static float[][] Planes(int bits, int dims)
        {
            var random = new SplitMix(0x5EED);
            var planes = new float[bits][];
            for (var b = 0; b < bits; b++)
            {
                planes[b] = new float[dims];
                for (var d = 0; d < dims; d++)
                {
                    // Box-Muller from two uniforms.
                    var u1 = ((random.NextULong() >> 11) + 1) * (1.0 / (1UL << 53));
                    var u2 = (random.NextULong() >> 11) * (1.0 / (1UL << 53));
                    planes[b][d] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
                }
            }

            return planes;
        }

        internal static float[] Project(float[][] planes, float[] vector, int bits)
        {
            var projected = new float[bits];
            for (var b = 0; b < bits; b++)
            {
                projected[b] = ScaleCommand.Dot(planes[b], vector);
            }

            return projected;
        }

        internal static void Encode(float[] projected, ulong[] codes, int offset)
        {
            for (var b = 0; b < projected.Length; b++)
            {
                if (projected[b] >= 0)
                {
                    codes[offset + (b >> 6)] |= 1UL << (b & 63);
                }
            }
        }
    }
}
