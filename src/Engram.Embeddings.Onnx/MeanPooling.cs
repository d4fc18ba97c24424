using System;

namespace Engram.Embeddings.Onnx
{
    /// <summary>sentence-transformers' Pooling(mean) + Normalize, as all-MiniLM-L6-v2 is configured.</summary>
    internal static class MeanPooling
    {
        /// <summary>
        /// Mean of the first <paramref name="tokens"/> token vectors of one text (its padding excluded), scaled
        /// to unit length.
        /// </summary>
        public static float[] PoolAndNormalize(ReadOnlySpan<float> tokenVectors, int tokens, int dimensions)
        {
            var sum = new double[dimensions];
            for (var t = 0; t < tokens; t++)
            {
                var row = tokenVectors.Slice(t * dimensions, dimensions);
                for (var d = 0; d < dimensions; d++)
                {
                    sum[d] += row[d];
                }
            }

            var norm = 0.0;
            for (var d = 0; d < dimensions; d++)
            {
                sum[d] /= Math.Max(1, tokens);
                norm += sum[d] * sum[d];
            }

            // sentence-transformers' Normalize divides by max(norm, 1e-12).
            var scale = 1.0 / Math.Max(Math.Sqrt(norm), 1e-12);
            var vector = new float[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] = (float)(sum[d] * scale);
            }

            return vector;
        }
    }
}
