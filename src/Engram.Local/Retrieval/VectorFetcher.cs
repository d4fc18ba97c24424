using System.Collections.Concurrent;
using System.Collections.Generic;
using Engram.Local.Embedding;
using Engram.Local.Storage;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Reads the exact stored vectors of memories an approximate index answers for (its own quantised copies are
    /// only good enough to pick candidates). One query per call on a pooled connection of its own, so a caller in
    /// the middle of a write transaction is not disturbed; deleted rows are simply not returned. The few hundred
    /// vectors one retrieval needs are kept for its later look-ups (lexical hits, near-duplicate pairs) in a small
    /// bounded cache shared by every query of the bucket.
    /// </summary>
    internal sealed class VectorFetcher
    {
        /// <summary>About 25 MB of 384-dim vectors; cleared when full (a miss only costs a read).</summary>
        private const int CacheLimit = 16384;

        private readonly SqliteDatabase _database;
        private readonly int _dimensions;
        private readonly ConcurrentDictionary<long, float[]> _recent = new ConcurrentDictionary<long, float[]>();

        public VectorFetcher(SqliteDatabase database, int dimensions)
        {
            _database = database;
            _dimensions = dimensions;
        }

        /// <summary>The stored vectors of those of <paramref name="seqs"/> that still exist, in no particular order.</summary>
        public List<(long Seq, float[] Vector)> Read(IReadOnlyCollection<long> seqs)
        {
            var found = new List<(long, float[])>(seqs.Count);
            var missing = new List<long>();
            foreach (var seq in seqs)
            {
                if (_recent.TryGetValue(seq, out var vector))
                {
                    found.Add((seq, vector));
                }
                else
                {
                    missing.Add(seq);
                }
            }

            if (missing.Count > 0)
            {
                if (_recent.Count + missing.Count > CacheLimit)
                {
                    _recent.Clear();
                }

                using var connection = _database.OpenConnection();
                foreach (var (seq, blob) in VectorIndexStore.ReadVectorsBySeq(connection, missing))
                {
                    var vector = VectorMath.FromBytes(blob, _dimensions);
                    _recent[seq] = vector;
                    found.Add((seq, vector));
                }
            }

            return found;
        }

        public void Prefetch(IReadOnlyCollection<long> seqs) => Read(seqs);

        /// <summary>Drops cached vectors (after deletes: a deleted row must not be answered from the cache).</summary>
        public void Clear() => _recent.Clear();
    }
}
