using System;
using System.Collections.Generic;
using Engram.Local.Embedding;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// An immutable snapshot of one bucket's embeddings, contiguous for SIMD scans. Appending builds a new
    /// snapshot that may share the arrays: it writes only past this snapshot's <see cref="Count"/>, so
    /// readers of older snapshots are never disturbed. Seqs ascend, so a seq is found by binary search.
    /// Every snapshot also keeps 8-bit codes of its vectors (<see cref="Int8Codes"/>): for large buckets
    /// <see cref="Nearest"/> scans those (a quarter of the bytes; the float scan is memory-bound) and
    /// re-scores a generous shortlist exactly, so the cosines it returns are exact.
    /// </summary>
    internal sealed class BucketVectors
    {
        /// <summary>Up to this many vectors the dedup check scans exactly; above it uses the <see cref="SimilarityIndex"/>.</summary>
        public const int ExactScanLimit = 4096;

        /// <summary>Below this many vectors <see cref="Nearest"/> scans the floats exactly (fast enough, and what small buckets get).</summary>
        public const int CodedScanMinimum = 4096;

        /// <summary>The coded pass keeps this many candidates per wanted result (at least <see cref="ShortlistMinimum"/>) for exact re-scoring.</summary>
        public const int ShortlistFactor = 8;

        public const int ShortlistMinimum = 512;

        private readonly SimilarityIndex _index;

        private BucketVectors(string bucketId, int dimensions, long changeVersion, long deleteEpoch, int count, long[] seqs, float[] vectors, sbyte[] codes, float[] scales, SimilarityIndex index)
        {
            _index = index;
            Codes = codes;
            Scales = scales;
            BucketId = bucketId;
            Dimensions = dimensions;
            ChangeVersion = changeVersion;
            DeleteEpoch = deleteEpoch;
            Count = count;
            Seqs = seqs;
            Vectors = vectors;
        }

        public string BucketId { get; }

        public int Dimensions { get; }

        public long ChangeVersion { get; }

        public long DeleteEpoch { get; }

        public int Count { get; }

        public long MaxSeq => Count == 0 ? 0 : Seqs[Count - 1];

        private long[] Seqs { get; }

        private float[] Vectors { get; }

        private sbyte[] Codes { get; }

        private float[] Scales { get; }

        public static BucketVectors Empty(string bucketId, HyperplaneSet planes, long changeVersion, long deleteEpoch) =>
            new BucketVectors(bucketId, planes.Dimensions, changeVersion, deleteEpoch, 0, new long[16], new float[16 * planes.Dimensions], new sbyte[16 * planes.Dimensions], new float[16], new SimilarityIndex(planes));

        public long SeqAt(int index) => Seqs[index];

        /// <summary>A snapshot with <paramref name="rows"/> (ascending seqs above <see cref="MaxSeq"/>) appended.</summary>
        public BucketVectors Append(IReadOnlyList<(long Seq, float[] Vector)> rows, long changeVersion, long deleteEpoch)
        {
            var needed = Count + rows.Count;
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
                Array.Copy(Seqs, seqs, Count);
                Array.Copy(Vectors, vectors, Count * Dimensions);
                Array.Copy(Codes, codes, Count * Dimensions);
                Array.Copy(Scales, scales, Count);
            }

            var at = Count;
            foreach (var (seq, vector) in rows)
            {
                if (at > 0 && seq <= seqs[at - 1])
                {
                    throw new InvalidOperationException("Vector rows must be appended in ascending seq order.");
                }

                seqs[at] = seq;
                Array.Copy(vector, 0, vectors, at * Dimensions, Dimensions);
                scales[at] = Int8Codes.Encode(vector, 0, Dimensions, codes, at * Dimensions);
                at++;
            }

            return new BucketVectors(BucketId, Dimensions, changeVersion, deleteEpoch, at, seqs, vectors, codes, scales, _index);
        }

        public BucketVectors WithCounters(long changeVersion, long deleteEpoch) =>
            new BucketVectors(BucketId, Dimensions, changeVersion, deleteEpoch, Count, Seqs, Vectors, Codes, Scales, _index);

        /// <summary>Cosine of <paramref name="query"/> with the memory <paramref name="seq"/>, or null when it is not in the snapshot.</summary>
        public float? CosineOf(float[] query, long seq)
        {
            var index = Array.BinarySearch(Seqs, 0, Count, seq);
            return index < 0 ? (float?)null : VectorMath.Dot(query, Vectors, index * Dimensions);
        }

        /// <summary>Cosine between two memories of the snapshot, or null when either is not in it.</summary>
        public float? CosineBetween(long seqA, long seqB)
        {
            var a = Array.BinarySearch(Seqs, 0, Count, seqA);
            var b = Array.BinarySearch(Seqs, 0, Count, seqB);
            if (a < 0 || b < 0)
            {
                return null;
            }

            var sum = 0f;
            for (int i = a * Dimensions, j = b * Dimensions, end = i + Dimensions; i < end; i++, j++)
            {
                sum += Vectors[i] * Vectors[j];
            }

            return sum;
        }

        /// <summary>
        /// The memories at cosine ≥ <paramref name="threshold"/> with <paramref name="query"/>, most similar
        /// first, for the dedup check. Exact for buckets up to <see cref="ExactScanLimit"/> vectors; above that
        /// among the <see cref="SimilarityIndex"/> candidates, which include a memory at cosine ≥ 0.95 with
        /// probability ≥ 99 % (rising steeply with similarity).
        /// </summary>
        public List<(long Seq, float Cosine)> AtLeast(float[] query, float threshold)
        {
            var found = new List<(long Seq, float Cosine)>();
            void Consider(int i)
            {
                var cosine = VectorMath.Dot(query, Vectors, i * Dimensions);
                if (cosine >= threshold)
                {
                    found.Add((Seqs[i], cosine));
                }
            }

            if (Count <= ExactScanLimit)
            {
                for (var i = 0; i < Count; i++)
                {
                    Consider(i);
                }
            }
            else
            {
                _index.ForEachCandidate(query, Vectors, Count, Consider);
            }

            found.Sort((x, y) => x.Cosine != y.Cosine ? y.Cosine.CompareTo(x.Cosine) : x.Seq.CompareTo(y.Seq));
            return found;
        }

        /// <summary>The <paramref name="n"/> most similar memories, best first.</summary>
        public List<(long Seq, float Cosine)> Nearest(float[] query, int n)
        {
            var shortlist = Math.Max(n * ShortlistFactor, ShortlistMinimum);
            var heap = new TopN(n);
            if (Count < CodedScanMinimum || shortlist >= Count)
            {
                for (var i = 0; i < Count; i++)
                {
                    heap.Offer(i, VectorMath.Dot(query, Vectors, i * Dimensions));
                }
            }
            else
            {
                // Coded pass over every vector, then exact cosines for the shortlist only.
                var coded = Int8Codes.EncodeQuery(query);
                var candidates = new TopN(shortlist);
                for (var i = 0; i < Count; i++)
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

            return result;
        }

        /// <summary>
        /// A bounded min-heap keeping the n best: higher score first, and on equal scores the lower index, so
        /// the result never depends on the order items were offered in (the coded and plain scans agree).
        /// </summary>
        private sealed class TopN
        {
            private readonly int _capacity;
            private readonly List<(int Index, float Score)> _heap = new List<(int, float)>();

            public TopN(int capacity) => _capacity = Math.Max(1, capacity);

            public void Offer(int index, float score)
            {
                if (_heap.Count < _capacity)
                {
                    _heap.Add((index, score));
                    SiftUp(_heap.Count - 1);
                }
                else if (Worse(_heap[0], (index, score)))
                {
                    _heap[0] = (index, score);
                    SiftDown(0);
                }
            }

            public IEnumerable<(int Index, float Score)> Descending()
            {
                var items = new List<(int Index, float Score)>(_heap);
                items.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
                return items;
            }

            private static bool Worse((int Index, float Score) a, (int Index, float Score) b) =>
                a.Score < b.Score || (a.Score == b.Score && a.Index > b.Index);

            private void SiftUp(int i)
            {
                while (i > 0)
                {
                    var parent = (i - 1) / 2;
                    if (!Worse(_heap[i], _heap[parent]))
                    {
                        break;
                    }

                    (_heap[parent], _heap[i]) = (_heap[i], _heap[parent]);
                    i = parent;
                }
            }

            private void SiftDown(int i)
            {
                while (true)
                {
                    var left = 2 * i + 1;
                    var right = left + 1;
                    var smallest = i;
                    if (left < _heap.Count && Worse(_heap[left], _heap[smallest]))
                    {
                        smallest = left;
                    }

                    if (right < _heap.Count && Worse(_heap[right], _heap[smallest]))
                    {
                        smallest = right;
                    }

                    if (smallest == i)
                    {
                        return;
                    }

                    (_heap[smallest], _heap[i]) = (_heap[i], _heap[smallest]);
                    i = smallest;
                }
            }
        }
    }
}
