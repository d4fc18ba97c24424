using System.Collections.Generic;
using Engram.Local.Dedup;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// The <see cref="FactSignature.Digits"/> of every row an approximate index answers for, so the dedup check can
    /// skip the index search when the write's digits appear in none of them (no indexed row can absorb it). On fact-like
    /// data that is most writes: without this, every write into a bucket past the index size paid a graph search
    /// (100,000 hashing rows, default dedup: the rate fell from about 1,700 to 700 rows/s at 20,000). Known only when
    /// every row up to <see cref="KnownThrough"/> was added; it may hold more (rows deleted since, or rows of a newer
    /// snapshot): that only costs a search. Shared by the snapshots of one bucket; one lock guards it.
    /// </summary>
    internal sealed class DigitCoverage
    {
        private readonly object _gate = new object();
        private readonly HashSet<ulong> _digits = new HashSet<ulong>();
        private long _knownThrough;

        /// <summary>Every row with a seq up to this had its digits added.</summary>
        public long KnownThrough
        {
            get
            {
                lock (_gate)
                {
                    return _knownThrough;
                }
            }
        }

        /// <summary>Adds <paramref name="digits"/> of rows that directly follow what is known, through <paramref name="throughSeq"/>.</summary>
        public void Extend(IEnumerable<ulong> digits, long throughSeq)
        {
            lock (_gate)
            {
                foreach (var value in digits)
                {
                    _digits.Add(value);
                }

                if (throughSeq > _knownThrough)
                {
                    _knownThrough = throughSeq;
                }
            }
        }

        /// <summary>Whether a row through <paramref name="throughSeq"/> may have <paramref name="digits"/> (true when not known that far, or for rows without a text).</summary>
        public bool MayHold(ulong digits, long throughSeq)
        {
            lock (_gate)
            {
                return _knownThrough < throughSeq || digits == 0 || _digits.Contains(digits) || _digits.Contains(0);
            }
        }
    }
}
