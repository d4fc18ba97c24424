using Engram.Client;

namespace Engram.PowerShell
{
    /// <summary>
    /// The outcome of storing one input with Add-EngramMemory or Import-EngramMemory, tied back to its input
    /// by <see cref="Index"/> (and <see cref="LineNumber"/> for imports).
    /// </summary>
    public sealed class MemoryStoreResult
    {
        internal MemoryStoreResult(long index, int? lineNumber, string content, StoreMemoryResult result, string? originalId = null)
        {
            OriginalId = originalId;
            Index = index;
            LineNumber = lineNumber;
            Content = content;
            Status = result.Status;
            Id = string.IsNullOrEmpty(result.Id) ? result.MemoryId : result.Id;
            Bucket = result.BucketName;
            TokenCount = result.TokenCount;
            DedupedInto = result.DedupedInto;
            MergeReason = result.MergeReason;
            SimilarityScore = result.SimilarityScore;
        }

        /// <summary>0-based position of the input among everything the cmdlet received.</summary>
        public long Index { get; }

        /// <summary>1-based line of the backup file (Import-EngramMemory only).</summary>
        public int? LineNumber { get; }

        /// <summary><c>stored</c> (a new memory) or <c>merged</c> (absorbed by an existing one, see <see cref="DedupedInto"/>).</summary>
        public string Status { get; }

        /// <summary>The memory id; for a merged write, the id of the memory that absorbed it.</summary>
        public string Id { get; }

        public string Bucket { get; }

        /// <summary>
        /// Import-EngramMemory: the id the backup line had. Equal to <see cref="Id"/> when the target kept it
        /// (Engram Local); a server that cannot keep ids (the hosted service) gives a new <see cref="Id"/>.
        /// </summary>
        public string? OriginalId { get; }

        /// <summary>The content as submitted.</summary>
        public string Content { get; }

        public int TokenCount { get; }

        public string? DedupedInto { get; }

        /// <summary><c>content_hash</c>, <c>embedding_similarity</c>, <c>conflict_keep_existing</c> or <c>concurrent_insert_race</c>.</summary>
        public string? MergeReason { get; }

        public double? SimilarityScore { get; }

        public bool IsMerged => Status == StoreMemoryResult.StatusMerged;

        public override string ToString() => Status + " " + Id;
    }
}
