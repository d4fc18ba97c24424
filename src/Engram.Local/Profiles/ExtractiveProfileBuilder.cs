using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Engram.Local.Storage;
using Engram.Local.Text;

namespace Engram.Local.Profiles
{
    /// <summary>
    /// Builds a bucket's profile text without a language model: JSON text naming the bucket's most
    /// frequent content words and quoting a few representative memories. It only repeats stored text;
    /// nothing is inferred or invented.
    /// </summary>
    internal static class ExtractiveProfileBuilder
    {
        private const int TermCount = 12;
        private const int RepresentativeCount = 3;
        private const int MaxQuoteLength = 280;

        public static string Build(string bucketName, int memoryCount, IReadOnlyList<MemoryRow> recent)
        {
            var frequency = new Dictionary<string, int>();
            var wordsPerMemory = new List<HashSet<string>>(recent.Count);
            foreach (var row in recent)
            {
                var distinct = new HashSet<string>(WordTokenizer.Words(row.Content).Where(w => w.Length > 2 && WordTokenizer.IsContentWord(w)));
                wordsPerMemory.Add(distinct);
                foreach (var word in distinct)
                {
                    frequency[word] = frequency.TryGetValue(word, out var n) ? n + 1 : 1;
                }
            }

            var terms = frequency
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key, System.StringComparer.Ordinal)
                .Take(TermCount)
                .Select(p => p.Key)
                .ToList();
            var termSet = new HashSet<string>(terms);

            // Representative: the memories that mention the most of the frequent terms.
            var representatives = recent
                .Select((row, i) => (row, score: wordsPerMemory[i].Count(termSet.Contains)))
                .OrderByDescending(x => x.score)
                .ThenByDescending(x => x.row.Seq)
                .Select(x => Quote(x.row.Content))
                .Distinct()
                .Take(RepresentativeCount)
                .ToList();

            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteString("bucket", bucketName);
                writer.WriteNumber("memory_count", memoryCount);
                writer.WriteStartArray("frequent_terms");
                foreach (var term in terms)
                {
                    writer.WriteStringValue(term);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("representative_memories");
                foreach (var quote in representatives)
                {
                    writer.WriteStringValue(quote);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        /// <summary>The memory's text, cut at a word boundary when long.</summary>
        private static string Quote(string content)
        {
            var text = content.Trim();
            if (text.Length <= MaxQuoteLength)
            {
                return text;
            }

            var cut = text.LastIndexOf(' ', MaxQuoteLength);
            return text.Substring(0, cut > 0 ? cut : MaxQuoteLength);
        }
    }
}
