using System;
using Engram.Client;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>
    /// One stored memory as Get-EngramMemory lists it. <see cref="Bucket"/> and <see cref="Id"/> bind by
    /// property name to Remove-EngramMemory, Add-EngramMemory and Export-EngramMemory.
    /// </summary>
    public sealed class EngramMemory
    {
        internal EngramMemory(Memory memory, string listedBucket)
        {
            Id = memory.Id;
            // Older servers leave the bucket out; the pipeline into Remove-EngramMemory needs it.
            Bucket = string.IsNullOrEmpty(memory.BucketName) ? listedBucket : memory.BucketName!;
            Content = memory.Content;
            CreatedAt = WireValues.ToTime(memory.CreatedAt);
            TokenCount = memory.TokenCount;
        }

        public string Bucket { get; }

        public string Id { get; }

        public string Content { get; }

        /// <summary>When the memory was stored; empty when the server did not say.</summary>
        public DateTimeOffset? CreatedAt { get; }

        public int? TokenCount { get; }

        public override string ToString() => Content;
    }
}
