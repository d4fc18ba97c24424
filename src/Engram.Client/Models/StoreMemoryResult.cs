namespace Engram.Client
{
    /// <summary>Outcome of storing one memory (wire spec §4.3).</summary>
    public sealed class StoreMemoryResult
    {
        public const string StatusStored = "stored";
        public const string StatusMerged = "merged";

        /// <summary>
        /// Restore extension: the bucket already holds a memory with the restored item's id, so nothing was stored.
        /// </summary>
        public const string MergeReasonSameId = "same_id";

        /// <summary>Memory id; for a merged write, the canonical memory that absorbed it.</summary>
        public string Id { get; set; } = "";

        public string MemoryId { get; set; } = "";

        public string BucketName { get; set; } = "";

        public int TokenCount { get; set; }

        /// <summary><c>stored</c> or <c>merged</c>; an older server that sends no status means <c>stored</c>.</summary>
        public string Status { get; set; } = StatusStored;

        public string? DedupedInto { get; set; }

        public double? SimilarityScore { get; set; }

        /// <summary><c>content_hash</c>, <c>embedding_similarity</c>, <c>conflict_keep_existing</c>, <c>concurrent_insert_race</c> or (restores) <c>same_id</c>.</summary>
        public string? MergeReason { get; set; }

        public bool IsMerged => Status == StatusMerged;
    }
}
