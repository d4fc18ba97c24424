using System.Collections.Concurrent;
using System.Collections.Generic;
using Engram.Local.Embedding;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// In-memory copies of buckets' embeddings, so a query scans RAM instead of reading every BLOB.
    /// A copy is trusted only after comparing its counters with the bucket row (change_version and
    /// delete_epoch, bumped in the same transaction as every insert and delete), so
    /// writes by other connections and other processes are always seen:
    /// unchanged counters → use the copy; only inserts since → read rows with a larger seq and append;
    /// any delete since → reload the bucket. This process's own commits append in O(1) per row.
    /// A large bucket with an approximate index (<see cref="VectorIndexSet"/>) keeps only the rows after the
    /// index's coverage here; "reload" then means: remove the logged deletions from the index, re-read the tail.
    /// </summary>
    internal sealed class VectorCache
    {
        private readonly int _dimensions;
        private readonly VectorIndexSet? _indexes;
        private readonly ConcurrentDictionary<string, BucketVectors> _buckets = new ConcurrentDictionary<string, BucketVectors>();
        private readonly ConcurrentDictionary<string, object> _locks = new ConcurrentDictionary<string, object>();

        public VectorCache(int dimensions, VectorIndexSet? indexes = null)
        {
            _dimensions = dimensions;
            _indexes = indexes;
        }

        /// <summary>The approximate indexes of large buckets, or null when this cache scans every bucket exactly.</summary>
        public VectorIndexSet? Indexes => _indexes;

        /// <summary>The bucket's vectors as of now, brought up to date first. Empty when the bucket is gone.</summary>
        public BucketVectors Get(SqliteConnection connection, string bucketId, SqliteTransaction? transaction = null)
        {
            var counters = BucketRepository.ReadCounters(connection, bucketId, transaction);
            if (counters == null)
            {
                Forget(bucketId);
                return BucketVectors.Empty(bucketId, _dimensions, 0, 0);
            }

            var (version, epoch) = counters.Value;
            var index = _indexes?.Ready(connection, bucketId, transaction);
            if (_buckets.TryGetValue(bucketId, out var cached) && IsCurrent(cached, version, epoch, index))
            {
                RequestIndexingIfDue(cached, index);
                return cached;
            }

            lock (_locks.GetOrAdd(bucketId, _ => new object()))
            {
                if (_buckets.TryGetValue(bucketId, out cached) && IsCurrent(cached, version, epoch, index))
                {
                    return cached;
                }

                // Counters are read before the rows, so the rows are at least as new as the counters we
                // label them with; a later check that sees newer counters simply reads again.
                BucketVectors basis;
                if (index == null)
                {
                    basis = cached != null && cached.DeleteEpoch == epoch && cached.Approximate == null
                        ? cached
                        : BucketVectors.Empty(bucketId, _dimensions, version, epoch);
                }
                else if (cached != null && cached.DeleteEpoch == epoch && cached.Approximate == index)
                {
                    basis = cached.TrimmedTo();
                }
                else
                {
                    _indexes!.ApplyDeletions(connection, bucketId, index, transaction);
                    basis = BucketVectors.OverIndex(bucketId, _dimensions, version, epoch, index, _indexes.Fetcher(bucketId));
                }

                var rows = new List<(long, float[])>();
                foreach (var (seq, blob) in MemoryRepository.ReadVectors(connection, bucketId, basis.MaxSeq, transaction, rowidRange: index != null))
                {
                    rows.Add((seq, VectorMath.FromBytes(blob, _dimensions)));
                }

                var fresh = basis.Append(rows, version, epoch);
                _buckets[bucketId] = fresh;
                RequestIndexingIfDue(fresh, index);
                return fresh;
            }
        }

        /// <summary>
        /// Records rows this process just committed. Applied only when the copy was current right before
        /// the transaction (<paramref name="versionBefore"/>); otherwise the next <see cref="Get"/> catches up.
        /// Runs after the commit, so it must never fail the write: a reader may already have copied some of
        /// these rows (it read the counters before our commit and the rows after it), and those are skipped.
        /// </summary>
        public void AppendCommitted(string bucketId, long versionBefore, long versionAfter, long deleteEpoch, IReadOnlyList<(long Seq, float[] Vector)> rows)
        {
            lock (_locks.GetOrAdd(bucketId, _ => new object()))
            {
                if (!_buckets.TryGetValue(bucketId, out var cached) || cached.ChangeVersion != versionBefore || cached.DeleteEpoch != deleteEpoch)
                {
                    return;
                }

                var unseen = new List<(long Seq, float[] Vector)>(rows.Count);
                foreach (var row in rows)
                {
                    if (row.Seq > cached.MaxSeq)
                    {
                        unseen.Add(row);
                    }
                }

                _buckets[bucketId] = unseen.Count == 0 ? cached.WithCounters(versionAfter, deleteEpoch) : cached.Append(unseen, versionAfter, deleteEpoch);
            }
        }

        /// <summary>
        /// After a write of rows up to <paramref name="lastSeq"/> that left the bucket with about <paramref name="memoryCount"/>
        /// memories: asks for its index to be built, or extended by a build step, when due — what <see cref="Get"/> does, for
        /// the write path, which no longer loads the bucket's vectors (the dedup check reads its candidates by fact key).
        /// Seqs count every bucket's rows, so the tail is over-estimated when buckets interleave: that only asks early.
        /// </summary>
        public void RequestIndexingAfterInsert(SqliteConnection connection, string bucketId, int memoryCount, long lastSeq)
        {
            if (_indexes == null || !_indexes.Enabled || memoryCount < _indexes.MinimumSize)
            {
                return;
            }

            var index = _indexes.Ready(connection, bucketId, null);
            if (index == null || lastSeq - index.MaxSeq >= VectorIndexSet.BuildChunk)
            {
                _indexes.Request(bucketId);
            }
        }

        public void Forget(string bucketId)
        {
            _buckets.TryRemove(bucketId, out _);
            _indexes?.Forget(bucketId);
        }

        // A bucket at the index size without a ready index, or whose tail outgrew a build step: the background
        // thread (re)starts. Cheap when already queued, so the write path may call it with every batch.
        private void RequestIndexingIfDue(BucketVectors snapshot, ApproximateIndex? index)
        {
            if (_indexes != null && (index == null ? snapshot.Count >= _indexes.MinimumSize : snapshot.TailCount >= VectorIndexSet.BuildChunk) && _indexes.Enabled)
            {
                _indexes.Request(snapshot.BucketId);
            }
        }

        // The copy answers for the counters, over the index that is ready now (none, or the same one), and the
        // index has not moved so far past its tail start that trimming the tail is due.
        private static bool IsCurrent(BucketVectors cached, long version, long epoch, ApproximateIndex? index) =>
            cached.ChangeVersion == version && cached.DeleteEpoch == epoch && cached.Approximate == index && !cached.TrimDue;
    }
}
