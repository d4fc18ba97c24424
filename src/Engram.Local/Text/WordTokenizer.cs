using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace Engram.Local.Text
{
    /// <summary>
    /// Splits text into lower-cased runs of letters and digits. This matches what the FTS5 unicode61
    /// tokenizer indexes closely enough that the words we search for are words it stored.
    /// </summary>
    internal static class WordTokenizer
    {
        public static List<string> Words(string text)
        {
            var words = new List<string>();
            var current = new StringBuilder();
            foreach (var c in text)
            {
                if (char.IsLetterOrDigit(c))
                {
                    current.Append(char.ToLowerInvariant(c));
                }
                else if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }
            }

            if (current.Length > 0)
            {
                words.Add(current.ToString());
            }

            return words;
        }

        /// <summary>Words that carry meaning: not a stop word and longer than one character.</summary>
        public static bool IsContentWord(string word) => word.Length > 1 && !StopWords.Contains(word);

        /// <summary><see cref="IsContentWord"/> of a lower-cased word inside <paramref name="chars"/>, without a string for words longer than any stop word.</summary>
        [MethodImpl(HotPath.Optimized)]
        public static bool IsContentWordAt(char[] chars, int start, int length) =>
            length > 1 && (length > LongestStopWord || !StopWords.Contains(new string(chars, start, length)));

        /// <summary>The stop words <see cref="IsContentWord"/> leaves out (lower case).</summary>
        public static IEnumerable<string> StopWordList => StopWords;

        private static readonly HashSet<string> StopWords = new HashSet<string>
        {
            "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does",
            "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
            "of", "on", "or", "our", "s", "so", "than", "that", "the", "their", "them", "then", "there", "these",
            "they", "this", "those", "to", "us", "was", "we", "were", "what", "when", "where", "which", "who",
            "whom", "why", "will", "with", "would", "you", "your", "about", "any", "all", "tell", "know",
        };

        private static readonly int LongestStopWord = StopWords.Max(w => w.Length);
    }
}
