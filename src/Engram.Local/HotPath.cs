using System.Runtime.CompilerServices;

namespace Engram.Local
{
    /// <summary>
    /// <c>[MethodImpl(HotPath.Optimized)]</c> marks a small pure loop that bulk ingest runs for every row, or a query for
    /// every candidate: the JIT compiles it fully optimised on first call instead of starting at tier 0. A 10,000-row
    /// ingest lasts a couple of seconds, and while a process keeps JIT-compiling new methods the tier-up of the rest waits
    /// (the call-counting delay restarts), so most of such a run used to execute tier-0 code: with tiering off, embedding
    /// took 105 instead of 224 ms and the near-duplicate search 146 instead of 313 ms of thread CPU over 10,000 rows
    /// (2026-12-01, loaded 2-core machine). The same holds for the loops of a query over a large bucket (the coded table's
    /// Hamming blocks and 8-bit re-rank then, its 8-bit column pass now, the top-k heap), which run a few times per query and so stayed in instrumented
    /// tier-0 code for most of the bench's 250 queries: at 1,000,000 memories warm p95 41.0 / 41.6 / 31.1 ms against 44.0 /
    /// 51.1 / 43.8 unmarked (2026-12-02, load 2.4; with dynamic PGO off altogether, 29–32 ms). The value is
    /// MethodImplOptions.AggressiveOptimization (.NET Core 3.0+; netstandard2.0 has no name for it, and .NET Framework
    /// ignores it).
    /// </summary>
    internal static class HotPath
    {
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
