using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace Engram.Local.Synthesis
{
    /// <summary>
    /// Splits an answer into stream deltas of a few words each. The pieces concatenate to exactly the
    /// answer: no character is added, dropped or moved.
    /// </summary>
    internal static class AnswerChunker
    {
        public const int WordsPerChunk = 6;
        private static readonly Regex Word = new Regex(@"\s*\S+\s*", RegexOptions.Compiled);

        public static List<string> Split(string answer)
        {
            var chunks = new List<string>();
            if (string.IsNullOrEmpty(answer))
            {
                return chunks;
            }

            var current = new StringBuilder();
            var words = 0;
            var consumed = 0;
            foreach (Match match in Word.Matches(answer))
            {
                current.Append(match.Value);
                consumed = match.Index + match.Length;
                if (++words == WordsPerChunk)
                {
                    chunks.Add(current.ToString());
                    current.Clear();
                    words = 0;
                }
            }

            // Whitespace-only answers match no word; keep every character anyway.
            current.Append(answer.Substring(consumed));
            if (current.Length > 0)
            {
                chunks.Add(current.ToString());
            }

            return chunks;
        }
    }
}
