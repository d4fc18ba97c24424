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

        internal static long Since(ref long mark)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = now - mark;
            mark = now;
            return elapsed;
        }
    }
}
