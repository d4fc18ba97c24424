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

        /// <summary>
        /// Cursor extension (not in §16): the token for the next page of a cursor listing, or null when the
        /// listing is complete. Only set by <see cref="IEngramService.ListMemoriesFromCursorAsync"/>.
        /// </summary>
        public string? NextCursor { get; set; }

        /// <summary>
        /// True when the server answered a cursor listing as one (its response had <c>next_cursor</c>). False
        /// means it ignored the cursor and returned the first §16 offset page.
        /// </summary>
        public bool SupportsCursor { get; set; }
    }

    /// <summary>
    /// Start tokens of the cursor extension of the list endpoint. A cursor listing pages by the engine's
    /// insertion order, and emits only memories that existed when it started, each once, whatever is added
    /// or deleted meanwhile. Later tokens come from <see cref="ListMemoriesResult.NextCursor"/> and are opaque.
    /// </summary>
    public static class MemoryCursors
    {
        /// <summary>Start a listing newest first.</summary>
        public const string NewestFirst = "newest";

        /// <summary>Start a listing oldest first.</summary>
        public const string OldestFirst = "oldest";
    }

    /// <summary>Result of clearing a bucket (wire spec §4.5).</summary>
    public sealed class ClearMemoriesResult
    {
        public bool Success { get; set; }

        public int ClearedCount { get; set; }
    }
}
