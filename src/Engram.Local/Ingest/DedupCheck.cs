using System.Collections.Generic;
using Engram.Client;
using Engram.Local.Dedup;
using Engram.Local.Embedding;
using Engram.Local.Storage;
using Microsoft.Data.Sqlite;
using static Engram.Local.Ingest.MemoryIngestor;

namespace Engram.Local.Ingest
{
    /// <summary>
    /// The dedup check of one store (<see cref="DedupRule"/>), item by item in input order. Every memory a write may
    /// merge into has the write's fact key (<see cref="FactTokens.Key(string)"/>), so its candidates are the bucket's
    /// rows with that key, read from SQL in one statement per chunk for all of the chunk's keys (<see cref="FactKeyLookup"/>), and
    /// the chunk's own earlier items with it. Exact at every bucket size, the same in every process writing the file
    /// (nothing is kept in memory between stores) and never a deleted row.
    /// </summary>
    internal sealed class DedupCheck
    {
        /// <summary>
        /// How many of the most similar memories above the merge threshold are checked for agreeing facts. An exact
        /// restatement is among the closest few.
        /// </summary>
        private const int MaxMergeCandidates = 16;

        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction? _transaction;
        private readonly string _bucketId;
        private readonly DedupPolicy? _policy;
        private readonly EmbedderCalibration _calibration;
        private readonly float _threshold;
        private readonly int _dimensions;
        private long _firstInsertedSeq = long.MaxValue;
        private readonly Dictionary<long, List<(KeyedMemory Row, float[] Vector)>> _stored = new Dictionary<long, List<(KeyedMemory, float[])>>();
        private readonly Dictionary<long, List<(long Seq, string Id, PreparedItem Item)>> _batch = new Dictionary<long, List<(long, string, PreparedItem)>>();
        private readonly Dictionary<byte[], (string Id, long Seq)> _batchHashes = new Dictionary<byte[], (string, long)>(ContentHashComparer.Instance);

        /// <summary>Reads the stored candidates of every key among <paramref name="items"/> (before any of them is inserted).</summary>
        public DedupCheck(SqliteConnection connection, SqliteTransaction? transaction, string bucketId, DedupPolicy? policy, EmbedderCalibration calibration, int dimensions, IReadOnlyList<PreparedItem> items)
        {
            _connection = connection;
            _transaction = transaction;
            _bucketId = bucketId;
            _policy = policy;
            _calibration = calibration;
            _threshold = DedupRule.SimilarityThreshold(policy, calibration);
            _dimensions = dimensions;
            Read(items);
        }

        /// <summary>
        /// Reads the stored candidates of the keys among <paramref name="items"/> not read yet: a transaction of several
        /// chunks calls it for each further chunk before checking it. Rows this check saw inserted are left out (they
        /// are the batch's own candidates already).
        /// </summary>
        public void Read(IReadOnlyList<PreparedItem> items)
        {
            var unread = new List<long>();
            foreach (var item in items)
            {
                if (!_stored.ContainsKey(item.FactKey))
                {
                    unread.Add(item.FactKey);
                }
            }

            foreach (var pair in FactKeyLookup.Read(_connection, _transaction, _bucketId, unread))
            {
                var rows = pair.Value;
                rows.RemoveAll(row => row.Seq >= _firstInsertedSeq);
                _stored[pair.Key] = rows.ConvertAll(row => (row, VectorMath.FromBytes(row.Embedding, _dimensions)));
            }
        }

        /// <summary>The decision for <paramref name="item"/> against the stored memories and the items <see cref="Inserted"/> so far.</summary>
        public DedupDecision Decide(PreparedItem item)
        {
            var sameContent = SameContent(item);
            return DedupRule.Decide(_policy, sameContent, sameContent.HasValue ? null : MostSimilar(item));
        }

        /// <summary>Records that <paramref name="item"/> was stored as (<paramref name="seq"/>, <paramref name="id"/>): later items may merge into it.</summary>
        public void Inserted(long seq, string id, PreparedItem item)
        {
            if (seq < _firstInsertedSeq)
            {
                _firstInsertedSeq = seq;
            }

            _batchHashes[item.Hash] = (id, seq);
            if (!_batch.TryGetValue(item.FactKey, out var earlier))
            {
                _batch[item.FactKey] = earlier = new List<(long, string, PreparedItem)>();
            }

            earlier.Add((seq, id, item));
        }

        // The oldest memory with the same content: it has the same key, so it is among the key's rows unless the key
        // holds more than were read.
        private (string Id, long Seq)? SameContent(PreparedItem item)
        {
            var stored = _stored[item.FactKey];
            foreach (var (row, _) in stored)
            {
                if (ContentHashComparer.Instance.Equals(row.ContentHash, item.Hash))
                {
                    return (row.Id, row.Seq);
                }
            }

            if (stored.Count >= FactKeyLookup.MaxRowsPerKey)
            {
                var found = MemoryRepository.FindByHash(_connection, _bucketId, item.Hash, _transaction);
                if (found.HasValue)
                {
                    return found;
                }
            }

            return _batchHashes.TryGetValue(item.Hash, out var earlier) ? earlier : ((string, long)?)null;
        }

        // The most similar memory with the item's key that the rule lets absorb it (cosine desc, seq asc), or null.
        private (string Id, long Seq, float Cosine)? MostSimilar(PreparedItem item)
        {
            var candidates = new List<(long Seq, float Cosine, string Id, string Content)>();
            foreach (var (row, vector) in _stored[item.FactKey])
            {
                var cosine = VectorMath.Dot(item.Vector, vector);
                if (cosine >= _threshold)
                {
                    candidates.Add((row.Seq, cosine, row.Id, row.Content));
                }
            }

            if (_batch.TryGetValue(item.FactKey, out var earlier))
            {
                foreach (var (seq, id, other) in earlier)
                {
                    var cosine = VectorMath.Dot(item.Vector, other.Vector);
                    if (cosine >= _threshold)
                    {
                        candidates.Add((seq, cosine, id, other.Content));
                    }
                }
            }

            candidates.Sort((x, y) => x.Cosine != y.Cosine ? y.Cosine.CompareTo(x.Cosine) : x.Seq.CompareTo(y.Seq));
            for (var i = 0; i < candidates.Count && i < MaxMergeCandidates; i++)
            {
                var candidate = candidates[i];
                if (DedupRule.MayMerge(_policy, _calibration, candidate.Cosine, item.Content, candidate.Content))
                {
                    return (candidate.Id, candidate.Seq, candidate.Cosine);
                }
            }

            return null;
        }
    }
}
