using System;
using System.Collections.Generic;
using Engram.Local.Embedding;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// An immutable snapshot of one bucket's embeddings, contiguous for SIMD scans. Appending builds a new
    /// snapshot that may share the arrays: it writes only past this snapshot's rows, so readers of older
    /// snapshots are never disturbed. Seqs ascend, so a seq is found by binary search.
    /// Every snapshot also keeps 8-bit codes of its vectors (<see cref="Int8Codes"/>): for large buckets
    /// <see cref="Nearest"/> scans those (a quarter of the bytes; the float scan is memory-bound) and
    /// re-scores a generous shortlist exactly, so the cosines it returns are exact.
    /// A bucket with an approximate index (<see cref="ApproximateIndex"/>, above <see cref="VectorIndexSet.MinimumBucketSize"/>)
    /// keeps in RAM only its tail, the rows the index did not hold when the snapshot was made; the index answers for
    /// the rest, and its candidates are re-scored from the stored vectors, so cosines stay exact and a deleted
    /// row never comes back.
    /// </summary>
    internal sealed class BucketVectors
    {
        /// <summary>Below this many vectors <see cref="Nearest"/> scans the floats exactly (fast enough, and what small buckets get).</summary>
        public const int CodedScanMinimum = 4096;

        /// <summary>The coded pass keeps this many candidates per wanted result (at least <see cref="ShortlistMinimum"/>) for exact re-scoring.</summary>
        public const int ShortlistFactor = 8;

        public const int ShortlistMinimum = 512;

        /// <summary>
        /// The graph walks at least this many neighbours (USearch takes the wanted count as its search expansion), and
        /// the best n of them by quantised cosine are re-scored exactly. Measured with all-MiniLM-L6-v2 on the
        /// 100,000-memory bench bucket, 100 questions (`Engram.Bench query-breadth`): breadth 400 / 600 / 1,000 →
        /// recall@10 0.979 / 0.990 / 0.991, search CPU about 1.3 / 1.7 / 2.5 ms; re-scoring 2n instead of n gave the
        /// same recall at every breadth and cost ~1.8 ms of vector reads a query. (The hashing embedder's large buckets
        /// are answered by the coded table, not the graph: its flat similarities needed 1,000 and 2n here, recall 0.80.)
        /// </summary>
        public const int IndexSearchBreadth = 600;

        private readonly ApproximatePart? _approximate;
        private readonly int _count;

        private BucketVectors(string bucketId, int dimensions, long changeVersion, long deleteEpoch, int count, long[] seqs, float[] vectors, sbyte[] codes, float[] scales, ApproximatePart? approximate)
        {
            _approximate = approximate;
            Codes = codes;
            Scales = scales;
            BucketId = bucketId;
            Dimensions = dimensions;
            ChangeVersion = changeVersion;
            DeleteEpoch = deleteEpoch;
            _count = count;
            Seqs = seqs;
            Vectors = vectors;
        }

        public string BucketId { get; }

        public int Dimensions { get; }

        public long ChangeVersion { get; }

        public long DeleteEpoch { get; }

        /// <summary>How many memories the snapshot answers for (with an index: its size plus the tail).</summary>
        public int Count => _approximate == null ? _count : _count + _approximate.Index.Count;

        /// <summary>The largest seq the snapshot has seen.</summary>
        public long MaxSeq => _count == 0 ? TailStart : Seqs[_count - 1];

        /// <summary>The approximate index answering for rows up to <see cref="TailStart"/>, or null (everything is in RAM).</summary>
        internal ApproximateIndex? Approximate => _approximate?.Index;

        /// <summary>With an index: the rows held in RAM are exactly those with a larger seq. 0 without one.</summary>
        internal long TailStart => _approximate?.TailStart ?? 0;

        /// <summary>How many rows the snapshot holds in RAM.</summary>
        internal int TailCount => _count;

        private long[] Seqs { get; }

        private float[] Vectors { get; }

        private sbyte[] Codes { get; }

        private float[] Scales { get; }

        public static BucketVectors Empty(string bucketId, int dimensions, long changeVersion, long deleteEpoch) =>
            Fresh(bucketId, dimensions, changeVersion, deleteEpoch, null);

        /// <summary>An empty tail over <paramref name="index"/>: rows after its current <see cref="ApproximateIndex.MaxSeq"/> are to be appended.</summary>
        internal static BucketVectors OverIndex(string bucketId, int dimensions, long changeVersion, long deleteEpoch, ApproximateIndex index, VectorFetcher fetcher) =>
            Fresh(bucketId, dimensions, changeVersion, deleteEpoch, new ApproximatePart(index, fetcher, index.MaxSeq));

        private static BucketVectors Fresh(string bucketId, int dimensions, long changeVersion, long deleteEpoch, ApproximatePart? approximate) =>
            new BucketVectors(bucketId, dimensions, changeVersion, deleteEpoch, 0, new long[16], new float[16 * dimensions], new sbyte[16 * dimensions], new float[16], approximate);

        public long SeqAt(int index) => Seqs[index];

        /// <summary>A snapshot with <paramref name="rows"/> (ascending seqs above <see cref="MaxSeq"/>) appended.</summary>
        public BucketVectors Append(IReadOnlyList<(long Seq, float[] Vector)> rows, long changeVersion, long deleteEpoch)
        {
            var needed = _count + rows.Count;
            var seqs = Seqs;
            var vectors = Vectors;
            var codes = Codes;
            var scales = Scales;
            if (needed > seqs.Length)
            {
                var capacity = Math.Max(needed, seqs.Length * 2);
                seqs = new long[capacity];
                vectors = new float[capacity * Dimensions];
                codes = new sbyte[capacity * Dimensions];
                scales = new float[capacity];
                Array.Copy(Seqs, seqs, _count);
                Array.Copy(Vectors, vectors, _count * Dimensions);
                Array.Copy(Codes, codes, _count * Dimensions);
                Array.Copy(Scales, scales, _count);
            }

            var at = _count;
            foreach (var (seq, vector) in rows)
            {
                if (seq <= (at > 0 ? seqs[at - 1] : TailStart))
                {
                    throw new InvalidOperationException("Vector rows must be appended in ascending seq order.");
                }

                seqs[at] = seq;
                Array.Copy(vector, 0, vectors, at * Dimensions, Dimensions);
                scales[at] = Int8Codes.Encode(vector, 0, Dimensions, codes, at * Dimensions);
                at++;
            }

            return new BucketVectors(BucketId, Dimensions, changeVersion, deleteEpoch, at, seqs, vectors, codes, scales, _approximate);
        }

        public BucketVectors WithCounters(long changeVersion, long deleteEpoch) =>
            new BucketVectors(BucketId, Dimensions, changeVersion, deleteEpoch, _count, Seqs, Vectors, Codes, Scales, _approximate);

        /// <summary>
        /// When <see cref="TrimDue"/>: the same snapshot with the tail rows the index now holds dropped (copied into new arrays, so older snapshots are untouched).
        /// </summary>
        internal BucketVectors TrimmedTo()
        {
            if (!TrimDue || _approximate == null)
            {
                return this;
            }

            var start = _approximate.Index.MaxSeq;
            var trimmed = Fresh(BucketId, Dimensions, ChangeVersion, DeleteEpoch, new ApproximatePart(_approximate.Index, _approximate.Fetcher, start));
            var first = Array.BinarySearch(Seqs, 0, _count, start + 1);
            first = first < 0 ? ~first : first;
            var rows = new List<(long, float[])>(_count - first);
            for (var i = first; i < _count; i++)
            {
                var vector = new float[Dimensions];
                Array.Copy(Vectors, i * Dimensions, vector, 0, Dimensions);
                rows.Add((Seqs[i], vector));
            }

            return rows.Count == 0 ? trimmed : trimmed.Append(rows, ChangeVersion, DeleteEpoch);
        }

        /// <summary>
        /// Whether the index now holds so much of the tail that <see cref="TrimmedTo"/> should drop it: at least a
        /// build chunk and half the tail, so trimming (a copy of the rest) costs O(1) per indexed row.
        /// </summary>
        internal bool TrimDue
        {
            get
            {
                if (_approximate == null || _count == 0)
                {
                    return false;
                }

                var covered = _approximate.Index.MaxSeq;
                if (covered <= TailStart)
                {
                    return false;
                }

                var first = Array.BinarySearch(Seqs, 0, _count, covered + 1);
                var dropped = first < 0 ? ~first : first;
                return dropped >= VectorIndexSet.BuildChunk && dropped * 2 >= _count;
            }
        }

        /// <summary>Reads the stored vectors of <paramref name="seqs"/> ahead (one query) when an index answers for them; else nothing to do.</summary>
        public void Prefetch(IReadOnlyCollection<long> seqs) => _approximate?.Fetcher.Prefetch(seqs);

        /// <summary>Cosine of <paramref name="query"/> with the memory <paramref name="seq"/>, or null when it is not in the snapshot.</summary>
        public float? CosineOf(float[] query, long seq)
        {
            var index = Array.BinarySearch(Seqs, 0, _count, seq);
            if (index >= 0)
            {
                return VectorMath.Dot(query, Vectors, index * Dimensions);
            }

            var stored = StoredVector(seq);
            return stored == null ? (float?)null : VectorMath.Dot(query, stored);
        }

        /// <summary>
        /// The vectors of <paramref name="seqs"/>, found once (those an index answers for read in one query), for the
        /// pairwise cosines of <see cref="RecencyOrder"/>: a hundred ranked memories make about 5,000 pairs, and finding
        /// both vectors of every pair again (two binary searches, a fetcher look-up each) cost more than the SIMD dot itself.
        /// </summary>
        public LocatedVectors Locate(IReadOnlyList<long> seqs)
        {
            var sources = new float[]?[seqs.Count];
            var offsets = new int[seqs.Count];
            var stored = new List<long>();
            for (var i = 0; i < seqs.Count; i++)
            {
                var index = Array.BinarySearch(Seqs, 0, _count, seqs[i]);
                if (index >= 0)
                {
                    sources[i] = Vectors;
                    offsets[i] = index * Dimensions;
                }
                else if (_approximate != null && seqs[i] <= _approximate.TailStart)
                {
                    stored.Add(seqs[i]);
                }
            }

            if (stored.Count > 0)
            {
                var read = new Dictionary<long, float[]>();
                foreach (var (seq, vector) in _approximate!.Fetcher.Read(stored))
                {
                    read[seq] = vector;
                }

                for (var i = 0; i < seqs.Count; i++)
                {
                    if (sources[i] == null && read.TryGetValue(seqs[i], out var vector))
                    {
                        sources[i] = vector;
                    }
                }
            }

            return new LocatedVectors(sources, offsets, Dimensions);
        }

        /// <summary>The <paramref name="n"/> most similar memories, best first (with <paramref name="phases"/>, the index's part timed).</summary>
        public List<(long Seq, float Cosine)> Nearest(float[] query, int n, RetrievalPhaseTimes? phases = null)
        {
            var shortlist = Math.Max(n * ShortlistFactor, ShortlistMinimum);
            var heap = new TopN(n);
            if (_count < CodedScanMinimum || shortlist >= _count)
            {
                for (var i = 0; i < _count; i++)
                {
                    heap.Offer(i, VectorMath.Dot(query, Vectors, i * Dimensions));
                }
            }
            else
            {
                // Coded pass over every vector, then exact cosines for the shortlist only.
                var coded = Int8Codes.EncodeQuery(query);
                var candidates = new TopN(shortlist);
                for (var i = 0; i < _count; i++)
                {
                    candidates.Offer(i, Scales[i] * Int8Codes.Dot(coded, Codes, i * Dimensions, Dimensions));
                }

                foreach (var (index, _) in candidates.Descending())
                {
                    heap.Offer(index, VectorMath.Dot(query, Vectors, index * Dimensions));
                }
            }

            var result = new List<(long, float)>();
            foreach (var (index, cosine) in heap.Descending())
            {
                result.Add((Seqs[index], cosine));
            }

            if (_approximate != null)
            {
                // The coded table ranks its candidates by 8-bit cosine and the graph by quantised cosine, both close
                // enough to exact that the best n re-scored suffice (see IndexSearchBreadth).
                result.AddRange(IndexCandidates(query, n, phases));
                result.Sort((x, y) => x.Item2 != y.Item2 ? y.Item2.CompareTo(x.Item2) : x.Item1.CompareTo(y.Item1));
                if (result.Count > n)
                {
                    result.RemoveRange(n, result.Count - n);
                }
            }

            return result;
        }

        /// <summary>
        /// The index's <paramref name="k"/> nearest at or before <see cref="TailStart"/> (later ones are in the tail), from its
        /// <see cref="ApproximateIndex.Candidates"/> (its coded table's scan, or a graph walk of <see cref="IndexSearchBreadth"/>
        /// neighbours), with exact cosines; deleted rows drop out.
        /// </summary>
        private List<(long Seq, float Cosine)> IndexCandidates(float[] query, int k, RetrievalPhaseTimes? phases)
        {
            var part = _approximate!;
            var wanted = new List<long>(k);
            var found = part.Index.Candidates(query, k, IndexSearchBreadth, phases);
            var mark = RetrievalPhaseTimes.Start(phases);
            foreach (var (seq, _) in found)
            {
                if (seq <= part.TailStart)
                {
                    wanted.Add(seq);
                    if (wanted.Count == k)
                    {
                        break;
                    }
                }
            }

            var exact = new List<(long, float)>(wanted.Count);
            foreach (var (seq, vector) in part.Fetcher.Read(wanted))
            {
                exact.Add((seq, VectorMath.Dot(query, vector)));
            }

            RetrievalPhaseTimes.Lap(phases, ref mark, (p, t) => p.DenseRescore += t);
            return exact;
        }

        private float[]? StoredVector(long seq)
        {
            if (_approximate == null || seq > _approximate.TailStart)
            {
                return null;
            }

            var rows = _approximate.Fetcher.Read(new[] { seq });
            return rows.Count == 0 ? null : rows[0].Vector;
        }

        /// <summary>What an index-backed snapshot adds: the index, where to read exact vectors, and where its tail starts.</summary>
        private sealed class ApproximatePart
        {
            public ApproximatePart(ApproximateIndex index, VectorFetcher fetcher, long tailStart)
            {
                Index = index;
                Fetcher = fetcher;
                TailStart = tailStart;
            }

            public ApproximateIndex Index { get; }

            public VectorFetcher Fetcher { get; }

            public long TailStart { get; }
        }
    }

    /// <summary>The vectors of a list of memories by position (<see cref="BucketVectors.Locate"/>); a missing one (deleted since) has none.</summary>
    internal sealed class LocatedVectors
    {
        private readonly float[]?[] _sources;
        private readonly int[] _offsets;
        private readonly int _dimensions;

        public LocatedVectors(float[]?[] sources, int[] offsets, int dimensions)
        {
            _sources = sources;
            _offsets = offsets;
            _dimensions = dimensions;
        }

        /// <summary>Cosine between the memories at positions <paramref name="i"/> and <paramref name="j"/>, or null when either has no vector.</summary>
        public float? Cosine(int i, int j)
        {
            var a = _sources[i];
            var b = _sources[j];
            return a == null || b == null ? (float?)null : VectorMath.Dot(a, _offsets[i], b, _offsets[j], _dimensions);
        }
    }
}
