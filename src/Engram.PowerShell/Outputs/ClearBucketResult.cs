namespace Engram.PowerShell
{
    /// <summary>What Clear-EngramMemory deleted.</summary>
    public sealed class ClearBucketResult
    {
        internal ClearBucketResult(string bucket, bool success, int clearedCount)
        {
            Bucket = bucket;
            Success = success;
            ClearedCount = clearedCount;
        }

        public string Bucket { get; }

        public bool Success { get; }

        /// <summary>How many memories were deleted.</summary>
        public int ClearedCount { get; }
    }
}
