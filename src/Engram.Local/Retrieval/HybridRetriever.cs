using System;
using System.Collections.Generic;
using System.Linq;
using Engram.Client.Diagnostics;
using Engram.Local.Storage;
using Engram.Local.Text;
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

        /// <summary>The fused score of its position within its bucket, times the bucket weight (recency moves memories between positions, not the scores).</summary>
        public double RankScore { get; set; }
    }

    /// <summary>A memory in one bucket's candidate pool while it is being ranked.</summary>
    internal sealed class RetrievalCandidate
    {
        public long Seq { get; set; }

        public float Cosine { get; set; }

        /// <summary>Whether the dense scan returned it (not only the lexical search).</summary>
        public bool InDenseList { get; set; }

        /// <summary>Its BM25 score when the lexical search returned it.</summary>
        public double? Lexical { get; set; }

        public double Raw { get; set; }

        public double Fused { get; set; }
    }

    /// <summary>What one retrieval asks for: the question's vector and words, filters, depth and method.</summary>
    internal sealed class RetrievalRequest
    {
        public float[] QueryVector { get; set; } = Array.Empty<float>();

        public IReadOnlyList<string> Terms { get; set; } = Array.Empty<string>();

        public int TopK { get; set; }

        public double? MinSimilarity { get; set; }

        public double? MinWeightedScore { get; set; }

        public RetrievalMode Mode { get; set; }

        public FusionSettings Fusion { get; set; } = FusionSettings.Default;

        public float NearDuplicate { get; set; } = 1f;

        /// <summary>When set, each phase's time is added to it (a profile); null on normal queries.</summary>
        public RetrievalPhaseTimes? Phases { get; set; }

        /// <summary>
        /// The bucket's lexical hits when they were searched already (<see cref="HybridRetriever.LexicalHits"/>, which
        /// needs no vector, run while the model embedded the question); null: searched here.
        /// </summary>
        public IReadOnlyList<LexicalHit>? LexicalHits { get; set; }
    }

    /// <summary>
    /// Hybrid retrieval within one bucket: BM25 candidates from the bucket's FTS5 index and cosine candidates
    /// from a SIMD scan of its cached vectors, fused by <see cref="ScoreFusion"/>, newer near-duplicates first
    /// (<see cref="RecencyOrder"/>). The whole candidate pool is ranked before it is cut to TopK, and the
    /// pool does not depend on TopK, so the first k results of TopK = n are exactly the TopK = k results.
    /// Each result's <c>raw_score</c> is its cosine; <c>weighted_score</c> = raw × bucket weight (wire spec §17 Q15).
    /// </summary>
    internal static class HybridRetriever
    {
        /// <summary>Candidates taken from each list, whatever TopK asks: at least the largest TopK (100), so the ranking above any cut is the same.</summary>
        public const int CandidatePool = 200;

        /// <summary>How many of the ranked candidates the near-duplicate reordering looks at: the largest TopK.</summary>
        public const int RecencyDepth = 100;

        /// <summary>
        /// The adaptive floor when the caller sets no min_similarity_threshold: a memory that matched no
        /// word of the question must at least be this similar, so unrelated memories are not returned.
        /// </summary>
        public const double DefaultSimilarityFloor = 0.1;

        public const double DefaultBucketWeight = 1.0;

        public static List<RetrievalHit> Retrieve(SqliteConnection connection, VectorCache cache, BucketRow bucket, RetrievalRequest request)
        {
            var phases = request.Phases;
            var mark = RetrievalPhaseTimes.Start(phases);
            var vectors = cache.Get(connection, bucket.Id);
            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.Snapshot += t);

            if (vectors.Count == 0)
            {
                return new List<RetrievalHit>();
            }

            var pool = Candidates(connection, vectors, bucket, request);
            mark = RetrievalPhaseTimes.Start(phases);

            var ranked = pool.Values.Where(c => Passes(c, request)).ToList();
            ScoreFusion.Score(ranked, request.Mode, request.Fusion);
            ranked.Sort((a, b) =>
                a.Fused != b.Fused ? b.Fused.CompareTo(a.Fused)
                : a.Raw != b.Raw ? b.Raw.CompareTo(a.Raw)
                : b.Seq.CompareTo(a.Seq));
            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.Fusion += t);

            var rows = MemoryRepository.ReadBySeq(connection, ranked.Take(RecencyDepth).Select(t => t.Seq).ToList());
            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.RowFetch += t);

            // Recency moves memories, not the scores positions earned: a bucket's rank scores stay in its rank order, so
            // the merge across buckets keeps it.
            var earned = ranked.Take(request.TopK).Select(c => c.Fused).ToList();
            if (request.Mode == RetrievalMode.Hybrid)
            {
                var depth = ranked.Take(RecencyDepth).Select(c => c.Seq).ToList();
                var located = vectors.Locate(depth);
                var subjects = depth.Select(seq => rows.TryGetValue(seq, out var row) ? SubjectTokens.Of(row.Content) : null).ToArray();
                RecencyOrder.Apply(ranked, RecencyDepth, located.Cosine, request.NearDuplicate, request.Fusion.RecencyMargin, (i, j) =>
                    subjects[i] is HashSet<string> x && subjects[j] is HashSet<string> y && SubjectTokens.Shared(x, y));
                var versions = ranked.Take(RecencyOrder.VersionDepth).Select(c => rows.TryGetValue(c.Seq, out var row) ? FactVersion.Of(row.Content) : null).ToList();
                RecencyOrder.PromoteNewer(ranked, versions, new HashSet<string>(request.Terms, StringComparer.Ordinal));
            }

            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.Recency += t);

            var top = ranked.Take(request.TopK).ToList();
            var hits = new List<RetrievalHit>(top.Count);
            for (var position = 0; position < top.Count; position++)
            {
                var candidate = top[position];
                // A row deleted since the snapshot simply drops out.
                if (rows.TryGetValue(candidate.Seq, out var row))
                {
                    hits.Add(new RetrievalHit { Row = row, Bucket = bucket, RawScore = candidate.Raw, Weight = DefaultBucketWeight, RankScore = earned[position] * DefaultBucketWeight });
                }
            }

            return hits;
        }

        /// <summary>
        /// Orders hits from several buckets by their rank score (fused score × bucket weight); the order
        /// within a bucket is kept, so one bucket's result is exactly its own ranking.
        /// </summary>
        public static List<RetrievalHit> MergeAcrossBuckets(IReadOnlyList<List<RetrievalHit>> perBucket)
        {
            if (perBucket.Count == 1)
            {
                return perBucket[0];
            }

            var indexed = new List<(RetrievalHit Hit, int Bucket, int Position)>();
            for (var b = 0; b < perBucket.Count; b++)
            {
                for (var p = 0; p < perBucket[b].Count; p++)
                {
                    indexed.Add((perBucket[b][p], b, p));
                }
            }

            return indexed
                .OrderByDescending(x => x.Hit.RankScore)
                .ThenBy(x => x.Position)
                .ThenBy(x => x.Bucket)
                .Select(x => x.Hit)
                .ToList();
        }

        private static Dictionary<long, RetrievalCandidate> Candidates(SqliteConnection connection, BucketVectors vectors, BucketRow bucket, RetrievalRequest request)
        {
            var phases = request.Phases;
            var mark = RetrievalPhaseTimes.Start(phases);
            var pool = new Dictionary<long, RetrievalCandidate>();
            if (request.Mode != RetrievalMode.LexicalOnly)
            {
                foreach (var (seq, cosine) in vectors.Nearest(request.QueryVector, CandidatePool, phases))
                {
                    pool[seq] = new RetrievalCandidate { Seq = seq, Cosine = cosine, InDenseList = true };
                }
            }

            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.Dense += t);

            if (request.Mode != RetrievalMode.DenseOnly)
            {
                var lexical = request.LexicalHits ?? LexicalHits(connection, bucket, request.Terms, phases);
                mark = RetrievalPhaseTimes.Start(phases);

                // An index-backed snapshot reads the exact vectors of hits outside the dense list in one query.
                vectors.Prefetch(lexical.Where(h => !pool.ContainsKey(h.Seq)).Select(h => h.Seq).ToList());
                foreach (var hit in lexical)
                {
                    if (!pool.TryGetValue(hit.Seq, out var candidate))
                    {
                        // Stored after our vector snapshot was taken: not part of this query's view.
                        var cosine = vectors.CosineOf(request.QueryVector, hit.Seq);
                        if (cosine == null)
                        {
                            continue;
                        }

                        candidate = new RetrievalCandidate { Seq = hit.Seq, Cosine = cosine.Value };
                        pool[hit.Seq] = candidate;
                    }

                    candidate.Lexical = hit.Score;
                }

                RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.LexicalVectors += t);
            }

            foreach (var candidate in pool.Values)
            {
                candidate.Raw = Math.Max(0.0, Math.Min(1.0, Math.Round((double)candidate.Cosine, 6)));
            }

            return pool;
        }

        /// <summary>The bucket's BM25 candidates for <paramref name="terms"/>, best first (none when no word is searchable or FTS5 failed, which is reported).</summary>
        public static List<LexicalHit> LexicalHits(SqliteConnection connection, BucketRow bucket, IReadOnlyList<string> terms, RetrievalPhaseTimes? phases = null)
        {
            var mark = RetrievalPhaseTimes.Start(phases);
            var query = Fts5QueryBuilder.Build(connection, bucket, terms);
            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.LexicalPlan += t);

            if (query == null)
            {
                return new List<LexicalHit>();
            }

            var result = LexicalIndex.Search(connection, bucket.Key, query.Expression, CandidatePool, query.Ranked);
            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.LexicalSearch += t);

            if (result.Error != null)
            {
                EngramTrace.Notify(new EngramEngineNotice(
                    "query.lexical",
                    $"The lexical (FTS5) search of bucket '{bucket.Name}' failed, so it was ranked by embeddings alone: {result.Error}"));
            }

            return result.Hits;
        }

        private static bool Passes(RetrievalCandidate candidate, RetrievalRequest request)
        {
            var passesSimilarity = request.MinSimilarity.HasValue
                ? candidate.Raw >= request.MinSimilarity.Value
                : candidate.Lexical.HasValue || candidate.Raw >= DefaultSimilarityFloor;
            var passesWeighted = !request.MinWeightedScore.HasValue || candidate.Raw * DefaultBucketWeight >= request.MinWeightedScore.Value;
            return passesSimilarity && passesWeighted;
        }
    }
}
