using System.Security.Cryptography;
using System.Text;
using Engram.Local;
using Engram.Local.Text;
using Xunit;

namespace Engram.Tests.Unit.Local;

/// <summary>
/// The hashing embedder's vectors are stored in every database it filled, under an identity that says which
/// feature scheme made them: a faster implementation must give the same floats, bit for bit.
/// </summary>
public class HashingEmbedderTests
{
    [Fact]
    public void The_embedder_gives_bit_for_bit_the_vectors_of_the_string_based_v1_scheme()
    {
        var embedder = new HashingEmbedder();
        var narrow = new HashingEmbedder(64);
        foreach (var text in Texts())
        {
            Assert.Equal(Bytes(ReferenceV1.Embed(text, 256)), Bytes(embedder.Embed(text)));
            Assert.Equal(Bytes(ReferenceV1.Embed(text, 64)), Bytes(narrow.Embed(text)));
        }
    }

    [Fact]
    public void Vectors_of_known_texts_are_those_stored_by_earlier_versions()
    {
        // Fixed texts' vectors hashed once with the engine of ca9fea0 (string-based tokenising); a change of
        // scheme must come with a new model id (HashingEmbedder.ModelId) and Update-EngramIndex, never silently.
        var embedder = new HashingEmbedder();
        using var sha = SHA256.Create();
        var all = new List<byte>();
        foreach (var text in new[] { "The cellar door squeaks.", "Invoice INV-2291 is due on 2026-03-01.", "Zoë's café — naïve résumé!", "!!!", "", "a b c d e f g the of and", "İstanbul ΣΊΣΥΦΟΣ straße" })
        {
            all.AddRange(Bytes(embedder.Embed(text)));
        }

        Assert.Equal("D98D3A6B37AA477B72D6993449565B7FD4F5A239EECC8B14376075131ABE5293", Convert.ToHexString(sha.ComputeHash(all.ToArray())));
    }

    [Fact]
    public void Word_spans_split_and_lower_exactly_as_the_word_tokenizer()
    {
        foreach (var text in Texts())
        {
            var spans = WordSpans.Of(text);
            var words = new List<string>();
            for (var i = 0; i < spans.Count; i++)
            {
                words.Add(new string(spans.Chars, spans.Starts[i], spans.Starts[i + 1] - spans.Starts[i]));
            }

            Assert.Equal(WordTokenizer.Words(text), words);
        }
    }

    [Fact]
    public async Task Embedding_on_several_threads_at_once_gives_each_text_its_own_vector()
    {
        var texts = Texts().ToList();
        var expected = texts.Select(t => Bytes(ReferenceV1.Embed(t, 256))).ToList();
        var embedder = new HashingEmbedder();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = worker; i < texts.Count; i += 4)
                {
                    Assert.Equal(expected[i], Bytes(embedder.Embed(texts[i])));
                }
            }
        })));
    }

    private static byte[] Bytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static IEnumerable<string> Texts()
    {
        yield return "";
        yield return "!!!";
        yield return "   ";
        yield return "a";
        yield return "The";
        yield return "The cellar door squeaks.";
        yield return "the of and to a is it";
        yield return "Alice's order #4471 ships on 2026-04-02 via DHL-Express; tracking: 00340434161094042557.";
        yield return "Zoë's café — naïve résumé! Ünïcödé wörds, ΣΊΣΥΦΟΣ, İstanbul, straße, 東京タワー, emoji 🙂🚀 x🙂y";
        yield return "ALL CAPS TEXT WITH NUMBERS 123 456 AND stop WORDS THE AN";
        yield return "tab\tseparated\nnew lines\r\nand_underscores-and-hyphens.dots";
        yield return new string('x', 5000) + " tail";
        yield return string.Join(" ", Enumerable.Range(0, 600).Select(i => "w" + i));
        yield return "a b c d e f g h i j k l m n o p q r s t u v w x y z";
        var random = new Random(14);
        for (var i = 0; i < 300; i++)
        {
            var length = random.Next(0, 200);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                var pick = random.Next(10);
                chars[j] = pick < 6 ? (char)random.Next('a', 'z' + 1)
                    : pick < 7 ? (char)random.Next('A', 'Z' + 1)
                    : pick < 8 ? ' '
                    : pick < 9 ? (char)random.Next('0', '9' + 1)
                    : (char)random.Next(0x20, 0x3000);
            }

            yield return new string(chars);
        }
    }

    /// <summary>The v1 scheme as it was written at ca9fea0 (a list of strings per text), kept as the reference.</summary>
    private static class ReferenceV1
    {
        public static float[] Embed(string text, int dimensions)
        {
            var vector = new float[dimensions];
            var words = WordTokenizer.Words(text);
            for (var i = 0; i < words.Count; i++)
            {
                var word = words[i];
                Add(vector, Feature('w', word, null), WordTokenizer.IsContentWord(word) ? 1.0f : 0.3f);
                if (i + 1 < words.Count)
                {
                    Add(vector, Feature('b', word, words[i + 1]), 0.6f);
                }

                var padded = word.Length + 2;
                for (var j = 0; j + 3 <= padded; j++)
                {
                    var hash = Start('t');
                    for (var k = j; k < j + 3; k++)
                    {
                        hash = Step(hash, k == 0 ? '^' : k == padded - 1 ? '$' : word[k - 1]);
                    }

                    Add(vector, hash, 0.25f);
                }
            }

            if (words.Count == 0)
            {
                Add(vector, Feature('r', text, null), 1.0f);
            }

            Normalize(vector);
            return vector;
        }

        private static void Normalize(float[] vector) => Engram.Local.Embedding.VectorMath.NormalizeInPlace(vector);

        private static void Add(float[] vector, uint featureHash, float weight)
        {
            var hash = Mix(featureHash);
            var index = (int)((hash & 0x7FFFFFFF) % (uint)vector.Length);
            var sign = (hash & 0x80000000) != 0 ? -1f : 1f;
            vector[index] += sign * weight;
        }

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

        private static uint Step(uint hash, char c)
        {
            hash ^= (byte)c;
            hash *= 16777619u;
            hash ^= (byte)(c >> 8);
            hash *= 16777619u;
            return hash;
        }

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
