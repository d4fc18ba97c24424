using System;
using System.Diagnostics;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Where one bucket's retrieval spent its time, in Stopwatch ticks, when a caller asks for it
    /// (<see cref="RetrievalRequest.Phases"/>; the benchmark's query profile). Null on every normal query,
    /// so the engine pays nothing for it.
    /// </summary>
    internal sealed class RetrievalPhaseTimes
    {
        /// <summary>The bucket's vector snapshot brought up to date (counters read, index readiness checked).</summary>
        public long Snapshot { get; set; }

        /// <summary>The dense candidates: the exact/coded scan, or the approximate index plus its exact re-scoring.</summary>
        public long Dense { get; set; }

        /// <summary>Part of <see cref="Dense"/>: a coded table's 8-bit pass over every row (its best k kept).</summary>
        public long DenseScan { get; set; }

        /// <summary>Part of <see cref="Dense"/>: the index's candidates' stored vectors read and re-scored exactly.</summary>
        public long DenseRescore { get; set; }

        /// <summary>The FTS5 expression: the question's words, minus those in half the bucket (document-frequency checks).</summary>
        public long LexicalPlan { get; set; }

        /// <summary>The FTS5 MATCH, BM25-ranked, cut to the candidate pool.</summary>
        public long LexicalSearch { get; set; }

        /// <summary>Cosines of the lexical hits the dense list lacked (stored vectors read when an index answers).</summary>
        public long LexicalVectors { get; set; }

        /// <summary>Floors, fused scores and the sort of the pool.</summary>
        public long Fusion { get; set; }

        /// <summary>The ranked rows read from the memories table.</summary>
        public long RowFetch { get; set; }

        /// <summary>Newer near-duplicates moved up (subjects compared).</summary>
        public long Recency { get; set; }

        /// <summary>
        /// The clock the phases are read from, in Stopwatch ticks: the wall clock unless set (a profile on a shared machine
        /// sets the thread's CPU clock, which does not count waiting for a core).
        /// </summary>
        public Func<long>? Clock { get; set; }

        /// <summary>The start of the first phase: now when profiling, else 0 (no clock read on a normal query).</summary>
        internal static long Start(RetrievalPhaseTimes? phases) => phases == null ? 0 : phases.Now();

        /// <summary>
        /// When profiling, adds the time since <paramref name="mark"/> to the phase <paramref name="add"/> names and moves
        /// the mark on; a normal query (null) returns at once. <paramref name="add"/> captures nothing, so it is not allocated per call.
        /// </summary>
        internal static void Lap(RetrievalPhaseTimes? phases, ref long mark, Action<RetrievalPhaseTimes, long> add)
        {
            if (phases != null)
            {
                var now = phases.Now();
                add(phases, now - mark);
                mark = now;
            }
        }

        private long Now() => Clock?.Invoke() ?? Stopwatch.GetTimestamp();

        internal static long Since(ref long mark)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = now - mark;
            mark = now;
            return elapsed;
        }
    }
}
