using System;
using System.Collections.Generic;
using System.Linq;

namespace Engram.Local.Dedup
{
    /// <summary>
    /// The parts of a text that state a precise fact, in order: every whitespace-separated chunk that
    /// contains a digit (numbers, amounts, dates, times, versions, ids such as "S3", "v2.1", "INC-4411",
    /// "pg-prod-2") or starts with a capital letter (names: "Lena" said it, not "Priya"; "AWS", not "GCP"),
    /// with surrounding punctuation trimmed. Two texts whose fact tokens differ say different things however
    /// similar their embeddings are, so they are never merged. Measured on the conversations eval set
    /// (1,153 chat turns): without the names, 2 (hashing) and 10 (all-MiniLM-L6-v2) of the cosine ≥ 0.95
    /// merges joined turns of different speakers or with the names swapped ("Did you see the photos Priya
    /// posted?" said by Jonas and by Lena).
    /// </summary>
    internal static class FactTokens
    {
        /// <summary>
        /// Whether both texts state the same numbers, dates, amounts and identifiers, in the same order
        /// ("from 300 to 600" is not "from 600 to 300"), and name the same names in the same order. A name is
        /// a word capitalised in either text, compared without case, so "Dark mode" and "dark mode" agree.
        /// </summary>
        public static bool Agree(string a, string b)
        {
            var x = Chunks(a);
            var y = Chunks(b);
            if (!SequenceEqual(x.Where(HasDigit), y.Where(HasDigit)))
            {
                return false;
            }

            var names = new HashSet<string>(x.Concat(y).Where(IsCapitalised).Select(Lower), StringComparer.Ordinal);
            return SequenceEqual(x.Select(Lower).Where(names.Contains), y.Select(Lower).Where(names.Contains));
        }

        /// <summary>The whitespace-separated chunks of <paramref name="text"/>, surrounding punctuation trimmed.</summary>
        private static List<string> Chunks(string text)
        {
            var chunks = new List<string>();
            foreach (var raw in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                Trim(raw, 0, raw.Length, out var start, out var end);
                if (end > start)
                {
                    chunks.Add(raw.Substring(start, end - start));
                }
            }

            return chunks;
        }

        /// <summary>
        /// The chunk inside <paramref name="text"/>[<paramref name="rawStart"/>, <paramref name="rawEnd"/>) with what only
        /// punctuates the sentence trimmed ("(300)," → "300"), inner separators kept ("v2.1", "10:30"). Shared with
        /// <see cref="FactSignature"/>, which must see the same chunks.
        /// </summary>
        internal static void Trim(string text, int rawStart, int rawEnd, out int start, out int end)
        {
            start = rawStart;
            end = rawEnd;
            while (start < end && !char.IsLetterOrDigit(text[start]) && !IsSign(text, start, end))
            {
                start++;
            }

            while (end > start && !char.IsLetterOrDigit(text[end - 1]))
            {
                end--;
            }
        }

        /// <summary>Whether <paramref name="text"/>[<paramref name="start"/>, <paramref name="end"/>) holds a digit (a number, date, amount or id chunk).</summary>
        internal static bool HasDigit(string text, int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                if (char.IsDigit(text[i]))
                {
                    return true;
                }
            }

            return false;
        }

        // "-5" and "5" are different numbers: a sign right before a digit stays.
        private static bool IsSign(string chunk, int at, int end) =>
            (chunk[at] == '-' || chunk[at] == '+') && at + 1 < end && char.IsDigit(chunk[at + 1]);

        private static bool HasDigit(string chunk) => HasDigit(chunk, 0, chunk.Length);

        private static bool IsCapitalised(string chunk) => char.IsUpper(chunk[0]) && !HasDigit(chunk);

        private static string Lower(string chunk) => chunk.ToLowerInvariant();

        private static bool SequenceEqual(IEnumerable<string> a, IEnumerable<string> b) =>
            a.Select(Lower).SequenceEqual(b.Select(Lower), StringComparer.Ordinal);
    }
}
