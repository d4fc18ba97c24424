using System;
using Engram.Client;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>A bucket as Get-EngramBucket and New-EngramBucket write it.</summary>
    public sealed class EngramBucket
    {
        internal EngramBucket(Bucket bucket)
        {
            Name = bucket.Name;
            MemoryCount = bucket.MemoryCount;
            CreatedAt = WireValues.ToTime(bucket.CreatedAt);
            Description = bucket.Description;
            Id = bucket.Id;
        }

        public string Name { get; }

        /// <summary>How many memories it holds; empty when the server did not say (some create responses).</summary>
        public int? MemoryCount { get; }

        public DateTimeOffset? CreatedAt { get; }

        public string? Description { get; }

        public string Id { get; }

        public override string ToString() => Name;
    }
}
