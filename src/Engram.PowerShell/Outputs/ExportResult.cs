using System.Collections.Generic;

namespace Engram.PowerShell
{
    /// <summary>What Export-EngramMemory wrote.</summary>
    public sealed class ExportResult
    {
        internal ExportResult(string path, IReadOnlyList<string> buckets, long memoryCount)
        {
            Path = path;
            Buckets = buckets;
            MemoryCount = memoryCount;
        }

        /// <summary>The JSON Lines file.</summary>
        public string Path { get; }

        public IReadOnlyList<string> Buckets { get; }

        public long MemoryCount { get; }
    }
}
