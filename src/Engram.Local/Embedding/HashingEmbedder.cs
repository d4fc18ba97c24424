using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
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

            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (var value in values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId });
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
        [MethodImpl(HotPath.Optimized)]
        public float[] Embed(string text)
        {
            if (text == null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            // The words of WordTokenizer.Words, lower-cased into one per-thread buffer (word i is chars[starts[i],
            // starts[i + 1])) instead of a list of strings: the same features, added in the same order, so the vectors
            // are bit for bit those of the version that built strings (v1 databases stay valid), without its
            // per-word allocations (about 30 % of its time).
            var words = WordSpans.Of(text);
            var chars = words.Chars;
            var starts = words.Starts;
            var vector = new float[Dimensions];
            for (var i = 0; i < words.Count; i++)
            {
                var start = starts[i];
                var length = starts[i + 1] - start;
                var unigram = Feature('w', chars, start, length);
                // Stop words still count (they carry some phrasing) but cannot make unrelated texts look alike.
                Add(vector, unigram, IsContentWord(unigram, chars, start, length) ? UnigramWeight : StopWordWeight);
                if (i + 1 < words.Count)
                {
                    var hash = Feature('b', chars, start, length);
                    hash = Step(hash, ' ');
                    for (var k = starts[i + 1]; k < starts[i + 2]; k++)
                    {
                        hash = Step(hash, chars[k]);
                    }

                    Add(vector, hash, BigramWeight);
                }

                // Trigrams of "^word$", hashed in place instead of allocating each substring.
                var padded = length + 2;
                for (var j = 0; j + 3 <= padded; j++)
                {
                    var hash = Start('t');
                    for (var k = j; k < j + 3; k++)
                    {
                        hash = Step(hash, k == 0 ? '^' : k == padded - 1 ? '$' : chars[start + k - 1]);
                    }

                    Add(vector, hash, TrigramWeight);
                }
            }

            if (words.Count == 0)
            {
                // Text with no letters or digits ("!!!") still needs a stable, non-zero vector.
                Add(vector, Feature('r', text), 1.0f);
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

        /// <summary>FNV-1a of "tag:text".</summary>
        private static uint Feature(char tag, string text)
        {
            var hash = Start(tag);
            foreach (var c in text)
            {
                hash = Step(hash, c);
            }

            return hash;
        }

        /// <summary>FNV-1a of "tag:" and chars[start, start + length), computed without building the string.</summary>
        private static uint Feature(char tag, char[] chars, int start, int length)
        {
            var hash = Start(tag);
            for (var k = start; k < start + length; k++)
            {
                hash = Step(hash, chars[k]);
            }

            return hash;
        }

        /// <summary><see cref="WordTokenizer.IsContentWord"/> of chars[start, start + length), whose unigram feature hash is <paramref name="unigram"/>.</summary>
        private static bool IsContentWord(uint unigram, char[] chars, int start, int length)
        {
            if (length <= 1)
            {
                return false;
            }

            if (!StopWordsByUnigram.TryGetValue(unigram, out var candidates))
            {
                return true;
            }

            foreach (var stop in candidates)
            {
                if (SameChars(stop, chars, start, length))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SameChars(string word, char[] chars, int start, int length)
        {
            if (word.Length != length)
            {
                return false;
            }

            for (var k = 0; k < length; k++)
            {
                if (word[k] != chars[start + k])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The stop words by the hash of their unigram feature: a word is looked up by the hash it needs anyway.</summary>
        private static readonly Dictionary<uint, string[]> StopWordsByUnigram = BuildStopWordTable();

        private static Dictionary<uint, string[]> BuildStopWordTable()
        {
            var table = new Dictionary<uint, string[]>();
            foreach (var word in WordTokenizer.StopWordList)
            {
                var hash = Feature('w', word);
                table[hash] = table.TryGetValue(hash, out var earlier) ? earlier.Concat(new[] { word }).ToArray() : new[] { word };
            }

            return table;
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
