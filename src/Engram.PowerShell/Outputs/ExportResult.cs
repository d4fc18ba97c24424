using System.Collections.Generic;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>What Export-EngramMemory wrote.</summary>
    public sealed class ExportResult
    {
        internal ExportResult(string path, IReadOnlyList<string> buckets, long memoryCount)
        {
            Path = path;
            Buckets = WireValues.ToList(buckets);
            MemoryCount = memoryCount;
        }

        /// <summary>The JSON Lines file.</summary>
        public string Path { get; }

        public IReadOnlyList<string> Buckets { get; }

        public long MemoryCount { get; }
    }
}
