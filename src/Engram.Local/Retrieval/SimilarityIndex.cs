using System;
using System.Collections.Generic;
using System.Numerics;
using Engram.Local.Dedup;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// The candidate generator of the dedup check: which of a bucket's rows may absorb a write. Rows are grouped by
    /// <see cref="FactSignature.Digits"/> (a hash map): two texts whose numbers, dates, amounts or ids differ never
    /// merge (<see cref="FactTokens"/>), so only the write's own group can hold a merge target, and on fact-like data
    /// most groups hold a handful of rows whatever the bucket's size. A group up to <see cref="ExactGroupLimit"/> rows
    /// is returned whole (the caller compares exactly: nothing is missed). A larger group (typically the texts with no
    /// digit at all) gets locality-sensitive hashing (random hyperplanes, banded): each band hashes a vector to 16 sign
    /// bits; two vectors become candidates when any of the 24 bands agree. For cosine 0.95 that happens with
    /// probability ≈ 99.2 %, for 0.97 ≈ 99.95 %, for 0.99 ≈ 1 − 10⁻⁹; unrelated vectors (cosine ≤ 0.5) rarely collide
    /// (≤ 4 %). Rows added without their text (digits unknown) form one more group that every query also gets.
    /// Append-only (positions match the bucket snapshot lineage); one lock guards reads and appends.
    /// </summary>
    internal sealed class SimilarityIndex
    {
        public const int Bands = 24;
        public const int BitsPerBand = 16;

        /// <summary>
        /// Groups up to this size are returned whole. An exact comparison costs a 24-byte signature check per row and a
        /// dot product for the few whose facts may agree; above it the group's band walk is cheaper.
        /// </summary>
        public const int ExactGroupLimit = 4096;

        private readonly object _gate = new object();
        private readonly HyperplaneSet _planes;
        private readonly Dictionary<ulong, Group> _groups = new Dictionary<ulong, Group>();
        private int[] _seenStamp = new int[0];
        private int _stamp;

        public SimilarityIndex(HyperplaneSet planes) => _planes = planes;

        /// <summary>How many positions (from 0) are grouped.</summary>
        public int Count { get; private set; }

        /// <summary>
        /// Groups positions up to <paramref name="count"/> by their <paramref name="facts"/> (if not yet), then calls
        /// <paramref name="visit"/> once for every candidate position below <paramref name="count"/> for a write with
        /// <paramref name="query"/> and <paramref name="digits"/>. Unknown digits (0): every position is a candidate.
        /// </summary>
        public void ForEachCandidate(float[] query, ulong digits, float[] vectors, FactSignature[] facts, int count, Action<int> visit)
        {
            lock (_gate)
            {
                while (Count < count)
                {
                    var key = facts[Count].Digits;
                    if (!_groups.TryGetValue(key, out var group))
                    {
                        group = new Group();
                        _groups.Add(key, group);
                    }

                    group.Add(Count);
                    Count++;
                }

                if (digits == 0)
                {
                    for (var i = 0; i < count; i++)
                    {
                        visit(i);
                    }

                    return;
                }

                if (_seenStamp.Length < Count)
                {
                    Array.Resize(ref _seenStamp, Math.Max(Count, _seenStamp.Length * 2));
                }

                _stamp++;
                int[]? keys = null;
                foreach (var key in new[] { digits, 0UL })
                {
                    if (!_groups.TryGetValue(key, out var group))
                    {
                        continue;
                    }

                    if (group.Length <= ExactGroupLimit)
                    {
                        group.VisitAll(count, visit);
                    }
                    else
                    {
                        keys ??= _planes.Keys(query, 0);
                        group.VisitBands(keys, _planes, vectors, count, _seenStamp, _stamp, visit);
                    }
                }
            }
        }

        /// <summary>One group's positions (ascending) and, once it is large, its band chains over a prefix of them.</summary>
        private sealed class Group
        {
            private const int Empty = -1;
            private int[] _positions = new int[4];
            private int[][]? _heads;
            private int[][]? _next;
            private int _chained;

            public int Length { get; private set; }

            public void Add(int position)
            {
                if (Length == _positions.Length)
                {
                    Array.Resize(ref _positions, Length * 2);
                }

                _positions[Length++] = position;
            }

            public void VisitAll(int count, Action<int> visit)
            {
                for (var i = 0; i < Length && _positions[i] < count; i++)
                {
                    visit(_positions[i]);
                }
            }

            public void VisitBands(int[] keys, HyperplaneSet planes, float[] vectors, int count, int[] seenStamp, int stamp, Action<int> visit)
            {
                if (_heads == null)
                {
                    _heads = new int[Bands][];
                    _next = new int[Bands][];
                    for (var b = 0; b < Bands; b++)
                    {
                        _heads[b] = new int[1 << BitsPerBand];
                        _heads[b].AsSpan().Fill(Empty);
                        _next[b] = new int[Math.Max(1024, Length)];
                    }
                }

                // Chains hold group members by their index in _positions; only rows this snapshot has are chained.
                while (_chained < Length && _positions[_chained] < count)
                {
                    var rowKeys = planes.Keys(vectors, _positions[_chained] * planes.Dimensions);
                    for (var b = 0; b < Bands; b++)
                    {
                        if (_next![b].Length <= _chained)
                        {
                            Array.Resize(ref _next[b], _next[b].Length * 2);
                        }

                        _next[b][_chained] = _heads[b][rowKeys[b]];
                        _heads[b][rowKeys[b]] = _chained;
                    }

                    _chained++;
                }

                for (var b = 0; b < Bands; b++)
                {
                    for (var at = _heads[b][keys[b]]; at != Empty; at = _next![b][at])
                    {
                        var position = _positions[at];
                        if (position < count && seenStamp[position] != stamp)
                        {
                            seenStamp[position] = stamp;
                            visit(position);
                        }
                    }
                }
            }
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
