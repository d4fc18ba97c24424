using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Engram.Local.Embedding
{
    /// <summary>SIMD dot products and normalisation over float vectors (System.Numerics.Vector).</summary>
    internal static class VectorMath
    {
        /// <summary>Dot product of <paramref name="a"/> and the slice of <paramref name="b"/> at <paramref name="bOffset"/>.</summary>
        public static float Dot(float[] a, float[] b, int bOffset) => Dot(a, 0, b, bOffset, a.Length);

        /// <summary>Dot product of the <paramref name="length"/>-float slices of <paramref name="a"/> and <paramref name="b"/> at their offsets.</summary>
        [MethodImpl(HotPath.Optimized)]
        public static float Dot(float[] a, int aOffset, float[] b, int bOffset, int length)
        {
            var width = Vector<float>.Count;
            var acc = Vector<float>.Zero;
            var i = 0;
            for (; i <= length - width; i += width)
            {
                acc += new Vector<float>(a, aOffset + i) * new Vector<float>(b, bOffset + i);
            }

            var sum = Vector.Dot(acc, Vector<float>.One);
            for (; i < length; i++)
            {
                sum += a[aOffset + i] * b[bOffset + i];
            }

            return sum;
        }

        public static float Dot(float[] a, float[] b) => Dot(a, b, 0);

        /// <summary>
        /// Scales to unit length. Vectors already of unit length (within float noise) are left untouched so
        /// that an embedder's exact values, and therefore exact similarity thresholds, survive.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        public static void NormalizeInPlace(float[] v)
        {
            double squares = 0;
            foreach (var x in v)
            {
                squares += (double)x * x;
            }

            if (squares == 0 || Math.Abs(squares - 1.0) < 1e-6)
            {
                return;
            }

            var scale = (float)(1.0 / Math.Sqrt(squares));
            for (var i = 0; i < v.Length; i++)
            {
                v[i] *= scale;
            }
        }

        public static byte[] ToBytes(float[] v)
        {
            var bytes = new byte[v.Length * sizeof(float)];
            Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
            return bytes;
        }

        /// <summary>Copies a stored float32 BLOB into <paramref name="target"/> at <paramref name="offset"/>.</summary>
        public static void FromBytes(byte[] bytes, float[] target, int offset, int dimensions)
        {
            if (bytes.Length != dimensions * sizeof(float))
            {
                throw new InvalidOperationException(
                    $"A stored embedding has {bytes.Length / sizeof(float)} dimensions but the embedder makes {dimensions}. " +
                    "Open the database with the embedder it was written with.");
            }

            Buffer.BlockCopy(bytes, 0, target, offset * sizeof(float), bytes.Length);
        }

        public static float[] FromBytes(byte[] bytes, int dimensions)
        {
            var v = new float[dimensions];
            FromBytes(bytes, v, 0, dimensions);
            return v;
        }
    }
}
