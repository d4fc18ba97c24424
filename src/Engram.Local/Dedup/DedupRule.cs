using System.Security.Cryptography;
using System.Text;
using Engram.Client;
using Engram.Local.Embedding;

namespace Engram.Local.Dedup
{
    /// <summary>Why a write was merged (wire field <c>merge_reason</c>).</summary>
    internal static class MergeReasons
    {
        public const string ContentHash = "content_hash";
        public const string EmbeddingSimilarity = "embedding_similarity";
        public const string ConcurrentInsertRace = "concurrent_insert_race";

        /// <summary>The model judged the new text redundant with the existing memory (BYOK, <see cref="ConflictResolver"/>).</summary>
        public const string ConflictKeepExisting = "conflict_keep_existing";
    }

    /// <summary>The outcome of the dedup check for one write.</summary>
    internal sealed class DedupDecision
    {
        private DedupDecision(string? canonicalId, long canonicalSeq, string? reason, double similarity)
        {
            CanonicalId = canonicalId;
            CanonicalSeq = canonicalSeq;
            Reason = reason;
            Similarity = similarity;
        }

        public static readonly DedupDecision Store = new DedupDecision(null, 0, null, 0);

        public bool IsMerge => CanonicalId != null;

        public string? CanonicalId { get; }

        public long CanonicalSeq { get; }

        public string? Reason { get; }

        public double Similarity { get; }

        public static DedupDecision Merge(string canonicalId, long canonicalSeq, string reason, double similarity) =>
            new DedupDecision(canonicalId, canonicalSeq, reason, similarity);
    }

    /// <summary>
    /// The dedup rule (wire spec §6.4, §17 Q13), all in one place:
    /// <list type="number">
    /// <item>Only the target bucket is compared against.</item>
    /// <item><c>off</c> skips every check: each write becomes a new memory.</item>
    /// <item>Exact content first: SHA-256 of the UTF-8 bytes, no normalisation. A match merges with
    /// reason <c>content_hash</c> and similarity 1.0.</item>
    /// <item>Then the embedding: a cosine at or above the embedder's calibrated threshold
    /// (<see cref="EmbedderCalibration"/>: <c>loose</c>, also the default when no policy is given, or
    /// <c>strict</c>) merges into the most similar such memory with reason <c>embedding_similarity</c> and
    /// the cosine as similarity — but only a memory that states the same numbers, dates, amounts,
    /// identifiers and names with the same content words (<see cref="FactTokens"/>): "rate limit 300" and
    /// "rate limit 600", "media-worker" and "media-service", "vegan" and "vegetarian" are both stored, however
    /// close their vectors. Only memories with the write's fact key (<see cref="FactTokens.Key(string)"/>: the same
    /// identifiers in order and the same content words) can qualify, so the candidates are read by that key from an
    /// index in SQL (<see cref="Storage.FactKeyLookup"/>), not found by a vector search: the check is exact at every
    /// bucket size, sees what other processes wrote and never a deleted row, and costs an index probe per write, so
    /// bulk ingest stays linear.</item>
    /// <item>Two identical writes racing past the checks: the unique index on (bucket, content hash)
    /// lets one row in; the other merges into it with reason <c>concurrent_insert_race</c>, similarity 1.0.</item>
    /// </list>
    /// A merge creates no row; the result's id is the canonical memory's id.
    /// </summary>
    internal static class DedupRule
    {
        /// <summary>Whether <paramref name="policy"/> checks for duplicates at all (everything except off).</summary>
        public static bool Applies(DedupPolicy? policy) => policy != DedupPolicy.Off;

        // Thresholds and cosines are compared as float: an embedder whose vectors have cosine exactly
        // 0.95f must merge under loose, which double-precision rounding of 0.95f would deny.
        public static float SimilarityThreshold(DedupPolicy? policy, EmbedderCalibration calibration) =>
            policy == DedupPolicy.Strict ? calibration.StrictMerge : calibration.LooseMerge;

        /// <summary>Whether a memory at <paramref name="cosine"/> with content <paramref name="stored"/> may absorb <paramref name="incoming"/>.</summary>
        public static bool MayMerge(DedupPolicy? policy, EmbedderCalibration calibration, float cosine, string incoming, string stored) =>
            Applies(policy) && cosine >= SimilarityThreshold(policy, calibration) && FactTokens.Agree(incoming, stored);

        public static byte[] ContentHash(string content)
        {
            using var sha = SHA256.Create();
            return ContentHash(content, sha);
        }

        /// <summary>The same hash with a caller's <see cref="SHA256"/> (creating one costs about as much as hashing a sentence).</summary>
        public static byte[] ContentHash(string content, SHA256 sha) => sha.ComputeHash(Encoding.UTF8.GetBytes(content));

        /// <summary>
        /// Decides from the two lookups. <paramref name="sameContent"/> is the bucket's memory with the
        /// same content hash, <paramref name="mostSimilar"/> the bucket's most similar memory that
        /// <see cref="MayMerge"/> allows, if any.
        /// </summary>
        public static DedupDecision Decide(DedupPolicy? policy, (string Id, long Seq)? sameContent, (string Id, long Seq, float Cosine)? mostSimilar)
        {
            if (!Applies(policy))
            {
                return DedupDecision.Store;
            }

            if (sameContent.HasValue)
            {
                return DedupDecision.Merge(sameContent.Value.Id, sameContent.Value.Seq, MergeReasons.ContentHash, 1.0);
            }

            if (mostSimilar.HasValue)
            {
                return DedupDecision.Merge(mostSimilar.Value.Id, mostSimilar.Value.Seq, MergeReasons.EmbeddingSimilarity, ReportedSimilarity(mostSimilar.Value.Cosine));
            }

            return DedupDecision.Store;
        }

        /// <summary>The cosine as reported: float noise rounded away, clamped to [0, 1].</summary>
        public static double ReportedSimilarity(float cosine)
        {
            var value = System.Math.Round((double)cosine, 6);
            return value < 0 ? 0 : value > 1 ? 1 : value;
        }
    }
}
