using Engram.Client;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>
    /// A memory a query retrieved, with its scores. <see cref="Metadata"/> is PowerShell objects (as
    /// ConvertFrom-Json makes them); <see cref="MemoryId"/> and <see cref="Bucket"/> bind to Remove-EngramMemory.
    /// </summary>
    public sealed class RecalledMemory
    {
        internal RecalledMemory(RetrievedMemory memory)
        {
            MemoryId = memory.MemoryId;
            Bucket = memory.BucketName;
            BucketId = memory.BucketId;
            Content = memory.Content;
            WeightedScore = memory.WeightedScore;
            RawScore = memory.RawScore;
            Weight = memory.Weight;
            Metadata = memory.Metadata.HasValue ? PSJsonConverter.ToPSValue(memory.Metadata.Value) : null;
        }

        public string? Bucket { get; }

        /// <summary>The ranking score: <see cref="RawScore"/> times the bucket's <see cref="Weight"/>.</summary>
        public double? WeightedScore { get; }

        /// <summary>The retrieval score before the bucket weight.</summary>
        public double? RawScore { get; }

        public double? Weight { get; }

        public string Content { get; }

        public string MemoryId { get; }

        public string? BucketId { get; }

        /// <summary>What the service adds (created_at, citation…), as PowerShell objects.</summary>
        public object? Metadata { get; }

        public override string ToString() => "[" + Bucket + "] " + Content;
    }
}
