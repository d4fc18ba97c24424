using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Engram.Local.Storage;
using Engram.Local.Text;

namespace Engram.Local.Profiles
{
    /// <summary>
    /// Writes a bucket's profile without a language model, as short prose: how many memories the bucket
    /// holds, the words they mention most, and a few representative memories quoted whole. It only
    /// repeats stored text; nothing is inferred or invented.
    /// </summary>
    internal static class ExtractiveProfileBuilder
    {
        private const int TermCount = 8;
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

            // Representative: the memories that mention the most of the frequent terms, newest first on ties.
            var representatives = recent
                .Select((row, i) => (row, score: wordsPerMemory[i].Count(termSet.Contains)))
                .OrderByDescending(x => x.score)
                .ThenByDescending(x => x.row.Seq)
                .Select(x => Sentence(Quote(x.row.Content)))
                .Distinct()
                .Take(RepresentativeCount)
                .ToList();

            var text = new StringBuilder();
            text.Append("The bucket ").Append(bucketName).Append(" holds ")
                .Append(memoryCount.ToString(CultureInfo.InvariantCulture))
                .Append(memoryCount == 1 ? " memory." : " memories.");
            if (terms.Count > 0)
            {
                text.Append(" They mention most often: ").Append(Join(terms)).Append('.');
            }

            if (representatives.Count > 0)
            {
                text.Append(representatives.Count == 1 ? " A representative memory: " : " Representative memories: ")
                    .Append(string.Join(" ", representatives));
            }

            return text.ToString();
        }

        /// <summary>"a", "a and b", "a, b and c".</summary>
        private static string Join(IReadOnlyList<string> items) =>
            items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[items.Count - 1];

        private static string Sentence(string quote)
        {
            var end = quote.Length == 0 ? ' ' : quote[quote.Length - 1];
            return end == '.' || end == '!' || end == '?' ? quote : quote + ".";
        }

        /// <summary>The memory's text on one line, cut at a word boundary when long.</summary>
        private static string Quote(string content)
        {
            var text = string.Join(" ", content.Split(new[] { '\r', '\n' }, System.StringSplitOptions.RemoveEmptyEntries)).Trim();
            if (text.Length <= MaxQuoteLength)
            {
                return text;
            }

            var cut = text.LastIndexOf(' ', MaxQuoteLength);
            return text.Substring(0, cut > 0 ? cut : MaxQuoteLength) + " …";
        }
    }
}
