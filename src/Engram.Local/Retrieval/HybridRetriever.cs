using System;
using System.Collections.Generic;
using System.Linq;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Retrieval
{
    /// <summary>One retrieved memory with its scores.</summary>
    internal sealed class RetrievalHit
    {
        public MemoryRow Row { get; set; } = new MemoryRow();

        public BucketRow Bucket { get; set; } = new BucketRow();

        /// <summary>Cosine similarity clamped to [0, 1].</summary>
        public double RawScore { get; set; }

        public double Weight { get; set; } = 1.0;

        public double WeightedScore => RawScore * Weight;

        /// <summary>Reciprocal-rank-fusion score within the bucket (ranks the bucket's candidates; breaks ties across buckets).</summary>
        public double FusionScore { get; set; }
    }

    /// <summary>Filters and depth of one retrieval.</summary>
    internal sealed class RetrievalLimits
    {
        public int TopK { get; set; }

        public double? MinSimilarity { get; set; }

        public double? MinWeightedScore { get; set; }
    }

    /// <summary>
    /// Hybrid retrieval within one bucket: BM25 candidates from FTS5 and cosine candidates from a SIMD scan
    /// of the bucket's cached vectors, fused by reciprocal rank fusion (k = 60). Each candidate's
    /// <c>raw_score</c> is its cosine; <c>weighted_score</c> = raw × bucket weight (wire spec §17 Q15).
    /// </summary>
    internal static class HybridRetriever
    {
        /// <summary>RRF constant from the original paper: dampens the weight of the very top ranks.</summary>
        public const int RrfK = 60;

        /// <summary>
        /// The adaptive floor when the caller sets no min_similarity_threshold: a memory that matched no
        /// word of the question must at least be this similar, so unrelated memories are not returned.
        /// </summary>
        public const double DefaultSimilarityFloor = 0.1;

        public const double DefaultBucketWeight = 1.0;

        public static List<RetrievalHit> Retrieve(
            SqliteConnection connection,
            VectorCache cache,
            BucketRow bucket,
            float[] queryVector,
            string? ftsQuery,
            RetrievalLimits limits)
        {
            var vectors = cache.Get(connection, bucket.Id);
            if (vectors.Count == 0)
            {
                return new List<RetrievalHit>();
            }

            var pool = Math.Max(limits.TopK * 4, 40);
            var fused = new Dictionary<long, Candidate>();

            var rank = 0;
            foreach (var (seq, cosine) in vectors.Nearest(queryVector, pool))
            {
                rank++;
                fused[seq] = new Candidate { Cosine = cosine, Fusion = 1.0 / (RrfK + rank) };
            }

            rank = 0;
            foreach (var seq in Lexical(connection, bucket.Id, ftsQuery, pool))
            {
                rank++;
                if (!fused.TryGetValue(seq, out var candidate))
                {
                    // Stored after our vector snapshot was taken: not part of this query's view.
                    var cosine = vectors.CosineOf(queryVector, seq);
                    if (cosine == null)
                    {
                        continue;
                    }

                    candidate = new Candidate { Cosine = cosine.Value };
                    fused[seq] = candidate;
                }

                candidate.Lexical = true;
                candidate.Fusion += 1.0 / (RrfK + rank);
            }

            var survivors = new List<(long Seq, Candidate Candidate, double Raw)>();
            foreach (var pair in fused)
            {
                var raw = Math.Max(0.0, Math.Min(1.0, Math.Round((double)pair.Value.Cosine, 6)));
                var weighted = raw * DefaultBucketWeight;
                var passesSimilarity = limits.MinSimilarity.HasValue
                    ? raw >= limits.MinSimilarity.Value
                    : pair.Value.Lexical || raw >= DefaultSimilarityFloor;
                var passesWeighted = !limits.MinWeightedScore.HasValue || weighted >= limits.MinWeightedScore.Value;
                if (passesSimilarity && passesWeighted)
                {
                    survivors.Add((pair.Key, pair.Value, raw));
                }
            }

            var top = survivors
                .OrderByDescending(s => s.Candidate.Fusion)
                .ThenByDescending(s => s.Raw)
                .ThenByDescending(s => s.Seq)
                .Take(limits.TopK)
                .ToList();
            var rows = MemoryRepository.ReadBySeq(connection, top.Select(t => t.Seq).ToList());
            var hits = new List<RetrievalHit>(top.Count);
            foreach (var (seq, candidate, raw) in top)
            {
                // A row deleted since the snapshot simply drops out.
                if (rows.TryGetValue(seq, out var row))
                {
                    hits.Add(new RetrievalHit { Row = row, Bucket = bucket, RawScore = raw, Weight = DefaultBucketWeight, FusionScore = candidate.Fusion });
                }
            }

            return hits;
        }

        /// <summary>The bucket's memories matching the FTS5 query, best BM25 first. FTS errors never escape: no lexical hits then.</summary>
        private static List<long> Lexical(SqliteConnection connection, string bucketId, string? ftsQuery, int limit)
        {
            var seqs = new List<long>();
            if (ftsQuery == null)
            {
                return seqs;
            }

            try
            {
                using var command = connection.CreateCommand();
                command.CommandText =
                    "SELECT memories_fts.rowid FROM memories_fts JOIN memories m ON m.seq = memories_fts.rowid " +
                    "WHERE memories_fts MATCH $query AND m.bucket_id = $bucket ORDER BY memories_fts.rank LIMIT $limit;";
                command.Parameters.AddWithValue("$query", ftsQuery);
                command.Parameters.AddWithValue("$bucket", bucketId);
                command.Parameters.AddWithValue("$limit", limit);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    seqs.Add(reader.GetInt64(0));
                }
            }
            catch (SqliteException)
            {
                seqs.Clear();
            }

            return seqs;
        }

        /// <summary>Orders hits from several buckets: weighted_score descending, ties by fusion rank.</summary>
        public static List<RetrievalHit> MergeAcrossBuckets(IEnumerable<RetrievalHit> hits) =>
            hits.OrderByDescending(h => h.WeightedScore)
                .ThenByDescending(h => h.FusionScore)
                .ThenByDescending(h => h.Row.Seq)
                .ToList();

        private sealed class Candidate
        {
            public float Cosine { get; set; }

            public double Fusion { get; set; }

            public bool Lexical { get; set; }
        }
    }
}
