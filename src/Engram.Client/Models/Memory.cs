using System.Collections.Generic;

namespace Engram.Client
{
    /// <summary>One stored memory as listed (wire spec §4.2).</summary>
    public sealed class Memory
    {
        public string Id { get; set; } = "";

        public string Content { get; set; } = "";

        public string? BucketName { get; set; }

        /// <summary>ISO-8601 text as the server sent it.</summary>
        public string? CreatedAt { get; set; }

        public int? TokenCount { get; set; }
    }

    /// <summary>One page of memories (wire spec §4.4). <see cref="Total"/> counts the whole bucket.</summary>
    public sealed class ListMemoriesResult
    {
        public IReadOnlyList<Memory> Memories { get; set; } = new List<Memory>();

        public int Total { get; set; }

        public int Limit { get; set; }

        public int Offset { get; set; }
    }

    /// <summary>Result of clearing a bucket (wire spec §4.5).</summary>
    public sealed class ClearMemoriesResult
    {
        public bool Success { get; set; }

        public int ClearedCount { get; set; }
    }
}
