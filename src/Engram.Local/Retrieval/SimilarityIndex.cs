using System;
using System.Collections.Generic;
using System.Numerics;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Locality-sensitive hashing (random hyperplanes, banded) over a bucket's vectors, so the dedup
    /// check of a write into a large bucket compares against a few candidates instead of every memory.
    /// Each band hashes a vector to 16 sign bits; two vectors become candidates when any of the 24 bands
    /// agree. For cosine 0.95 that happens with probability ≈ 99.2 %, for 0.97 ≈ 99.95 %, for 0.99
    /// ≈ 1 − 10⁻⁹; unrelated vectors (cosine ≤ 0.5) rarely collide (≤ 4 %). Candidates are then
    /// compared exactly. Small buckets never use it: they are scanned exactly (<see cref="BucketVectors"/>).
    /// Append-only (positions match the bucket snapshot lineage); one lock guards reads and appends.
    /// </summary>
    internal sealed class SimilarityIndex
    {
        public const int Bands = 24;
        public const int BitsPerBand = 16;
        private const int Empty = -1;

        private readonly object _gate = new object();
        private readonly HyperplaneSet _planes;
        private readonly int[][] _heads;
        private int[][] _next;
        private int[] _seenStamp = new int[0];
        private int _stamp;

        public SimilarityIndex(HyperplaneSet planes)
        {
            _planes = planes;
            _heads = new int[Bands][];
            _next = new int[Bands][];
            for (var b = 0; b < Bands; b++)
            {
                _heads[b] = new int[1 << BitsPerBand];
                for (var i = 0; i < _heads[b].Length; i++)
                {
                    _heads[b][i] = Empty;
                }

                _next[b] = new int[0];
            }
        }

        /// <summary>How many positions (from 0) are indexed.</summary>
        public int Count { get; private set; }

        /// <summary>
        /// Indexes positions up to <paramref name="count"/> from <paramref name="vectors"/> (if not yet),
        /// then calls <paramref name="visit"/> once for every candidate position below <paramref name="count"/>.
        /// </summary>
        public void ForEachCandidate(float[] query, float[] vectors, int count, Action<int> visit)
        {
            var keys = _planes.Keys(query, 0);
            lock (_gate)
            {
                while (Count < count)
                {
                    Add(vectors, Count);
                }

                if (_seenStamp.Length < Count)
                {
                    Array.Resize(ref _seenStamp, Math.Max(Count, _seenStamp.Length * 2));
                }

                _stamp++;
                for (var b = 0; b < Bands; b++)
                {
                    for (var at = _heads[b][keys[b]]; at != Empty; at = _next[b][at])
                    {
                        if (at < count && _seenStamp[at] != _stamp)
                        {
                            _seenStamp[at] = _stamp;
                            visit(at);
                        }
                    }
                }
            }
        }

        private void Add(float[] vectors, int position)
        {
            var keys = _planes.Keys(vectors, position * _planes.Dimensions);
            for (var b = 0; b < Bands; b++)
            {
                if (_next[b].Length <= position)
                {
                    Array.Resize(ref _next[b], Math.Max(1024, _next[b].Length * 2));
                }

                _next[b][position] = _heads[b][keys[b]];
                _heads[b][keys[b]] = position;
            }

            Count = position + 1;
        }
    }

    /// <summary>The fixed random hyperplanes of <see cref="SimilarityIndex"/>: same seed, same planes, in every process.</summary>
    internal sealed class HyperplaneSet
    {
        private const int PlaneCount = SimilarityIndex.Bands * SimilarityIndex.BitsPerBand;

        // Stored transposed (dimension-major), so one pass over the vector's non-zero components
        // accumulates all plane projections with SIMD adds; hashing vectors are mostly zeros.
        private readonly float[] _transposed;

        public HyperplaneSet(int dimensions)
        {
            Dimensions = dimensions;
            _transposed = new float[dimensions * PlaneCount];
            // xorshift64*: a stable generator, independent of the runtime's Random implementation.
            var state = 0x9E3779B97F4A7C15UL;
            for (var p = 0; p < PlaneCount; p++)
            {
                for (var d = 0; d < dimensions; d++)
                {
                    state ^= state >> 12;
                    state ^= state << 25;
                    state ^= state >> 27;
                    var bits = state * 0x2545F4914F6CDD1DUL;
                    _transposed[d * PlaneCount + p] = (float)((bits >> 11) * (1.0 / (1UL << 53)) * 2.0 - 1.0);
                }
            }
        }

        public int Dimensions { get; }

        /// <summary>The band keys of the vector at <paramref name="offset"/> in <paramref name="source"/>.</summary>
        public int[] Keys(float[] source, int offset)
        {
            var width = Vector<float>.Count;
            var projections = new float[PlaneCount];
            for (var d = 0; d < Dimensions; d++)
            {
                var component = source[offset + d];
                if (component == 0f)
                {
                    continue;
                }

                var scale = new Vector<float>(component);
                var row = d * PlaneCount;
                var p = 0;
                for (; p <= PlaneCount - width; p += width)
                {
                    (new Vector<float>(projections, p) + scale * new Vector<float>(_transposed, row + p)).CopyTo(projections, p);
                }

                for (; p < PlaneCount; p++)
                {
                    projections[p] += component * _transposed[row + p];
                }
            }

            var keys = new int[SimilarityIndex.Bands];
            for (int b = 0, p = 0; b < SimilarityIndex.Bands; b++)
            {
                var key = 0;
                for (var r = 0; r < SimilarityIndex.BitsPerBand; r++, p++)
                {
                    if (projections[p] >= 0)
                    {
                        key |= 1 << r;
                    }
                }

                keys[b] = key;
            }

            return keys;
        }
    }
}
