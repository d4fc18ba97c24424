using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Engram.Bench.Data
{
    /// <summary>
    /// A deterministic stand-in for a 384-dim sentence model at scale: each text maps (by FNV-1a) to one of
    /// <see cref="Clusters"/> fixed random centres plus its own Gaussian noise, normalised, so texts of a cluster
    /// sit at cosine ≈ 0.5 with each other and ≈ 0.7 with their centre, like topical MiniLM neighbours, and other
    /// clusters near 0. The real model embeds ~100 texts/s on this 2-core machine (a million would take hours);
    /// this one does ~50,000/s, so a million rows are built in minutes. It measures the engine, not the model.
    /// </summary>
    public sealed class ClusteredEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public const int Clusters = 4096;
        private const float Noise = 0.05f;

        private readonly float[][] _centres;
        private readonly EmbeddingGeneratorMetadata _metadata;

        public ClusteredEmbedder(int dimensions = 384)
        {
            Dimensions = dimensions;
            _metadata = new EmbeddingGeneratorMetadata("bench-clustered", null, "clustered-gaussian-v1", dimensions);
            _centres = new float[Clusters][];
            for (var c = 0; c < Clusters; c++)
            {
                var state = 0x51ED270B27F1A3C5UL ^ ((ulong)(c + 1) * 0x9E3779B97F4A7C15UL);
                var centre = new float[dimensions];
                for (var d = 0; d < dimensions; d++)
                {
                    centre[d] = Gaussian(ref state);
                }

                _centres[c] = Normalised(centre);
            }
        }

        public int Dimensions { get; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (var value in values)
            {
                result.Add(new Embedding<float>(Embed(value)));
            }

            return Task.FromResult(result);
        }

        public float[] Embed(string text)
        {
            var hash = 14695981039346656037UL;
            foreach (var ch in text)
            {
                hash = (hash ^ ch) * 1099511628211UL;
            }

            var centre = _centres[(int)(hash % Clusters)];
            var state = hash | 1;
            var vector = new float[Dimensions];
            for (var d = 0; d < Dimensions; d++)
            {
                vector[d] = centre[d] + Noise * Gaussian(ref state);
            }

            return Normalised(vector);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey == null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

        public void Dispose()
        {
        }

        private static float[] Normalised(float[] v)
        {
            double sum = 0;
            foreach (var x in v)
            {
                sum += x * x;
            }

            var scale = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < v.Length; i++)
            {
                v[i] *= scale;
            }

            return v;
        }

        // xorshift64* and Box–Muller: stable across runtimes, unlike System.Random.
        private static float Gaussian(ref ulong state)
        {
            double Next(ref ulong s)
            {
                s ^= s >> 12;
                s ^= s << 25;
                s ^= s >> 27;
                return ((s * 0x2545F4914F6CDD1DUL) >> 11) * (1.0 / (1UL << 53));
            }

            var u1 = 1.0 - Next(ref state);
            var u2 = Next(ref state);
            return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
    }
}
