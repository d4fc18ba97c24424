using System.Runtime.CompilerServices;

namespace Engram.Local
{
    /// <summary>
    /// <c>[MethodImpl(HotPath.Optimized)]</c> marks a small pure loop that bulk ingest runs for every row: the JIT
    /// compiles it fully optimised on first call instead of starting at tier 0. A 10,000-row ingest lasts a couple of
    /// seconds, and while a process keeps JIT-compiling new methods the tier-up of the rest waits (the call-counting
    /// delay restarts), so most of such a run used to execute tier-0 code: with tiering off, embedding took 105 instead
    /// of 224 ms and the near-duplicate search 146 instead of 313 ms of thread CPU over 10,000 rows (2026-12-01, loaded
    /// 2-core machine). The value is MethodImplOptions.AggressiveOptimization (.NET Core 3.0+; netstandard2.0 has no
    /// name for it, and .NET Framework ignores it).
    /// </summary>
    internal static class HotPath
    {
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
