using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Embedding;
using Engram.Local.Text;
using Microsoft.Extensions.AI;

namespace Engram.Local
{
    /// <summary>
    /// A deterministic embedder that needs no model: feature hashing of lower-cased word unigrams,
    /// word bigrams and character trigrams into signed buckets, L2-normalised. Identical text gives
    /// cosine 1.0, texts sharing words score high, unrelated texts score near 0. Stable across
    /// processes and platforms because it hashes with FNV-1a, never <see cref="string.GetHashCode()"/>.
    /// </summary>
    public sealed class HashingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public const int DefaultDimensions = 256;

        /// <summary>The provider name in this embedder's metadata (and so in a database's embedder identity).</summary>
        public const string ProviderName = "engram-hashing";

        /// <summary>The model id in the metadata; a new feature scheme must get a new id, so old databases ask to be re-embedded.</summary>
        public const string ModelId = "fnv1a-words-bigrams-trigrams-v1";

        private readonly EmbeddingGeneratorMetadata _metadata;

        // Words carry the meaning; bigrams reward shared phrasing; trigrams tolerate inflection and typos.
        private const float UnigramWeight = 1.0f;
        private const float BigramWeight = 0.6f;
        private const float TrigramWeight = 0.25f;
        private const float StopWordWeight = 0.3f;

        // Below this many texts one thread embeds them: handing out work costs more than it saves.
        private const int ParallelMinimum = 16;

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
            _metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, dimensions);
        }

        public int Dimensions { get; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (values == null)
            {
                throw new ArgumentNullException(nameof(values));
            }

            // Texts are independent: a batch is split over the cores (about 15 µs a text on one core).
            var texts = new List<string>(values);
            if (texts.Contains(null!))
            {
                throw new ArgumentNullException(nameof(values), "A text to embed is null.");
            }

            var vectors = new float[texts.Count][];
            var parallel = new ParallelOptions { CancellationToken = cancellationToken };
            if (texts.Count < ParallelMinimum)
            {
                parallel.MaxDegreeOfParallelism = 1;
            }

            Parallel.For(0, texts.Count, parallel, i => vectors[i] = Embed(texts[i]));
            var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
            foreach (var vector in vectors)
            {
                result.Add(new Embedding<float>(vector) { ModelId = ModelId });
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null)
        {
            if (serviceType == null)
            {
                throw new ArgumentNullException(nameof(serviceType));
            }

            if (serviceKey != null)
            {
                return null;
            }

            return serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;
        }

        /// <summary>Holds nothing to release.</summary>
        public void Dispose()
        {
        }

        /// <summary>One text's L2-normalised vector of <see cref="Dimensions"/> floats (what <see cref="GenerateAsync"/> returns per text).</summary>
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
                var word = words[i];
                // Stop words still count (they carry some phrasing) but cannot make unrelated texts look alike.
                Add(vector, Feature('w', word, null), WordTokenizer.IsContentWord(word) ? UnigramWeight : StopWordWeight);
                if (i + 1 < words.Count)
                {
                    Add(vector, Feature('b', word, words[i + 1]), BigramWeight);
                }

                // Trigrams of "^word$", hashed in place instead of allocating each substring.
                var padded = word.Length + 2;
                for (var j = 0; j + 3 <= padded; j++)
                {
                    var hash = Start('t');
                    for (var k = j; k < j + 3; k++)
                    {
                        hash = Step(hash, k == 0 ? '^' : k == padded - 1 ? '$' : word[k - 1]);
                    }

                    Add(vector, hash, TrigramWeight);
                }
            }

            if (words.Count == 0)
            {
                // Text with no letters or digits ("!!!") still needs a stable, non-zero vector.
                Add(vector, Feature('r', text, null), 1.0f);
            }

            VectorMath.NormalizeInPlace(vector);
            return vector;
        }

        private void Add(float[] vector, uint featureHash, float weight)
        {
            var hash = Mix(featureHash);
            var index = (int)((hash & 0x7FFFFFFF) % (uint)Dimensions);
            var sign = (hash & 0x80000000) != 0 ? -1f : 1f;
            vector[index] += sign * weight;
        }

        /// <summary>FNV-1a of "tag:first" or "tag:first second", computed without building the string.</summary>
        private static uint Feature(char tag, string first, string? second)
        {
            var hash = Start(tag);
            foreach (var c in first)
            {
                hash = Step(hash, c);
            }

            if (second != null)
            {
                hash = Step(hash, ' ');
                foreach (var c in second)
                {
                    hash = Step(hash, c);
                }
            }

            return hash;
        }

        private static uint Start(char tag) => Step(Step(2166136261u, tag), ':');

        // FNV-1a over both bytes of the UTF-16 code unit.
        private static uint Step(uint hash, char c)
        {
            hash ^= (byte)c;
            hash *= 16777619u;
            hash ^= (byte)(c >> 8);
            hash *= 16777619u;
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
