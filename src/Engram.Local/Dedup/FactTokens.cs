using System;
using System.Collections.Generic;
using System.Text;

namespace Engram.Local.Dedup
{
    /// <summary>
    /// The parts of a text that state a precise fact: every whitespace-separated chunk that contains a
    /// digit (numbers, amounts, dates, times, versions, ids such as "S3", "v2.1", "INC-4411", "pg-prod-2"),
    /// with surrounding punctuation trimmed and letters lower-cased. Two texts whose fact tokens differ say
    /// different things however similar their embeddings are, so they are never merged.
    /// </summary>
    internal static class FactTokens
    {
        /// <summary>The fact tokens of <paramref name="text"/>, sorted (order of mention does not matter).</summary>
        public static List<string> Of(string text)
        {
            var tokens = new List<string>();
            var chunk = new StringBuilder();
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    Flush(chunk, tokens);
                }
                else
                {
                    chunk.Append(c);
                }
            }

            Flush(chunk, tokens);
            tokens.Sort(StringComparer.Ordinal);
            return tokens;
        }

        /// <summary>Whether both texts state the same numbers, dates, amounts and identifiers.</summary>
        public static bool Agree(string a, string b)
        {
            var x = Of(a);
            var y = Of(b);
            if (x.Count != y.Count)
            {
                return false;
            }

            for (var i = 0; i < x.Count; i++)
            {
                if (!string.Equals(x[i], y[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        // "-5" and "5" are different numbers: a sign right before a digit stays.
        private static bool IsSign(StringBuilder chunk, int at, int end) =>
            (chunk[at] == '-' || chunk[at] == '+') && at + 1 < end && char.IsDigit(chunk[at + 1]);

        private static void Flush(StringBuilder chunk, List<string> tokens)
        {
            if (chunk.Length == 0)
            {
                return;
            }

            var start = 0;
            var end = chunk.Length;
            // Trim what only punctuates the sentence ("(300)," → "300"); keep inner separators ("v2.1", "10:30").
            while (start < end && !char.IsLetterOrDigit(chunk[start]) && !IsSign(chunk, start, end))
            {
                start++;
            }

            while (end > start && !char.IsLetterOrDigit(chunk[end - 1]))
            {
                end--;
            }

            var hasDigit = false;
            for (var i = start; i < end; i++)
            {
                hasDigit |= char.IsDigit(chunk[i]);
            }

            if (hasDigit)
            {
                tokens.Add(chunk.ToString(start, end - start).ToLowerInvariant());
            }

            chunk.Clear();
        }
    }
}
