using System;
using System.Collections.Generic;
using Engram.Local.Embedding;
using Engram.Local.Text;

namespace Engram.Local
{
    /// <summary>
    /// A deterministic embedder that needs no model: feature hashing of lower-cased word unigrams,
    /// word bigrams and character trigrams into signed buckets, L2-normalised. Identical text gives
    /// cosine 1.0, texts sharing words score high, unrelated texts score near 0. Stable across
    /// processes and platforms because it hashes with FNV-1a, never <see cref="string.GetHashCode()"/>.
    /// </summary>
    public sealed class HashingEmbedder : IEmbedder
    {
        public const int DefaultDimensions = 256;

        // Words carry the meaning; bigrams reward shared phrasing; trigrams tolerate inflection and typos.
        private const float UnigramWeight = 1.0f;
        private const float BigramWeight = 0.6f;
        private const float TrigramWeight = 0.25f;

        public HashingEmbedder()
            : this(DefaultDimensions)
        {
        }

        public HashingEmbedder(int dimensions)
        {
            if (dimensions < 16)
            {
                throw new ArgumentOutOfRangeException(nameof(dimensions), "Use at least 16 dimensions.");
            }

            Dimensions = dimensions;
        }

        public int Dimensions { get; }

        public float[] Embed(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            var vector = new float[Dimensions];
            List<string> words = WordTokenizer.Words(text);
            for (var i = 0; i < words.Count; i++)
            {
                Add(vector, "w:" + words[i], UnigramWeight);
                if (i + 1 < words.Count)
                {
                    Add(vector, "b:" + words[i] + " " + words[i + 1], BigramWeight);
                }

                var padded = "^" + words[i] + "$";
                for (var j = 0; j + 3 <= padded.Length; j++)
                {
                    Add(vector, "t:" + padded.Substring(j, 3), TrigramWeight);
                }
            }

            if (words.Count == 0)
            {
                // Text with no letters or digits ("!!!") still needs a stable, non-zero vector.
                Add(vector, "raw:" + text, 1.0f);
            }

            VectorMath.NormalizeInPlace(vector);
            return vector;
        }

        private void Add(float[] vector, string feature, float weight)
        {
            var hash = Mix(Fnv1a(feature));
            var index = (int)((hash & 0x7FFFFFFF) % (uint)Dimensions);
            var sign = (hash & 0x80000000) != 0 ? -1f : 1f;
            vector[index] += sign * weight;
        }

        private static uint Fnv1a(string s)
        {
            var hash = 2166136261u;
            foreach (var c in s)
            {
                hash ^= (byte)c;
                hash *= 16777619u;
                hash ^= (byte)(c >> 8);
                hash *= 16777619u;
            }

            return hash;
        }

        // FNV's low bits are weak for short keys; a murmur-style finaliser spreads them over the buckets.
        private static uint Mix(uint h)
        {
            h ^= h >> 16;
            h *= 0x85EBCA6B;
            h ^= h >> 13;
            h *= 0xC2B2AE35;
            h ^= h >> 16;
            return h;
        }
    }
}
