using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engram.Local.Embedding
{
    /// <summary>
    /// 8-bit codes of float vectors for a fast first pass over many vectors: each vector is scaled so its
    /// largest component becomes ±127, and the dot product of two coded vectors (times both scales)
    /// approximates the float dot product to within about 1 %. A quarter of the bytes of float32, so a
    /// memory-bound scan of a large bucket reads four times less; the caller re-scores a shortlist exactly.
    /// </summary>
    internal static class Int8Codes
    {
        public const int MaxCode = 127;

        /// <summary>Writes the codes of <paramref name="length"/> floats into <paramref name="target"/>; returns the scale (0 for a zero vector).</summary>
        [MethodImpl(HotPath.Optimized)]
        public static float Encode(float[] source, int sourceOffset, int length, sbyte[] target, int targetOffset)
        {
            var maxAbs = 0f;
            for (var i = 0; i < length; i++)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(source[sourceOffset + i]));
            }

            if (maxAbs == 0f)
            {
                Array.Clear(target, targetOffset, length);
                return 0f;
            }

            var factor = MaxCode / maxAbs;
            for (var i = 0; i < length; i++)
            {
                target[targetOffset + i] = (sbyte)Math.Round(source[sourceOffset + i] * factor);
            }

            return maxAbs / MaxCode;
        }

        /// <summary>A query's codes widened to 16 bits, the form <see cref="Dot"/> takes (scale dropped: it ranks nothing).</summary>
        public static short[] EncodeQuery(float[] query)
        {
            var codes = new sbyte[query.Length];
            Encode(query, 0, query.Length, codes, 0);
            var wide = new short[query.Length];
            for (var i = 0; i < codes.Length; i++)
            {
                wide[i] = codes[i];
            }

            return wide;
        }

        /// <summary>Integer dot product of a query's codes with the <paramref name="length"/> codes at <paramref name="offset"/>.</summary>
        [MethodImpl(HotPath.Optimized)]
        public static int Dot(short[] query, sbyte[] codes, int offset, int length)
        {
            var width = Vector<sbyte>.Count;
            var half = Vector<short>.Count;
            var acc = Vector<int>.Zero;
            var i = 0;
            for (; i <= length - width; i += width)
            {
                Vector.Widen(new Vector<sbyte>(codes, offset + i), out Vector<short> low, out Vector<short> high);
                // |code| <= 127 on both sides, so a lane holding two products (<= 32 258) cannot overflow 16 bits.
                var pairs = (low * new Vector<short>(query, i)) + (high * new Vector<short>(query, i + half));
                Vector.Widen(pairs, out Vector<int> a, out Vector<int> b);
                acc += a + b;
            }

            var sum = Vector.Dot(acc, Vector<int>.One);
            for (; i < length; i++)
            {
                sum += query[i] * codes[offset + i];
            }

            return sum;
        }
    }
}
