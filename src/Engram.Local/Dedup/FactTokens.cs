using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Engram.Local.Text;

namespace Engram.Local.Dedup
{
    /// <summary>
    /// The parts of a text that state a precise fact, in order: every whitespace-separated chunk that
    /// is an identifier — it contains a digit (numbers, amounts, dates, times, versions, ids such as "S3", "v2.1",
    /// "INC-4411", "pg-prod-2") or is compound ("media-worker", "billing_queue", "app.settings", "paymentsApi") — or
    /// starts with a capital letter (names: "Lena" said it, not "Priya"; "AWS", not "GCP"), with surrounding
    /// punctuation trimmed; and the text's content words. Two texts whose fact tokens differ say different things
    /// however similar their embeddings are, so they are never merged. Measured on the conversations eval set
    /// (1,153 chat turns): without the names, 2 (hashing) and 10 (all-MiniLM-L6-v2) of the cosine ≥ 0.95
    /// merges joined turns of different speakers or with the names swapped ("Did you see the photos Priya
    /// posted?" said by Jonas and by Lena).
    /// <para>
    /// Content words: a changed word is a changed value as often as a rewording, so a similarity merge needs the
    /// same set of content words (order, case, punctuation and stop words may differ). Measured with MiniLM: on the
    /// facts-scale eval set (5,146 memories) 753 distinct pairs score ≥ 0.95, 3 of them agree on numbers, ids and
    /// names, and all 3 are distinct facts that differ in one content word each ("vegan"/"vegetarian",
    /// "media-worker"/"media-service", "geo-worker"/"geo-service"); on 24 hand-made pairs, 6 of 12 changed values
    /// ("primary"/"secondary" region, "daily"/"weekly", "not encrypted") score 0.952–0.965 and agreed before. No
    /// allowance of one differing word separates them from rewordings: "likes"/"prefers" dark mode scores 0.951. Cost:
    /// a rewording with other words (3 of the 4 hand-made ones score ≥ 0.95: "backups run"/"backup runs") is stored
    /// twice instead of merged — a duplicate row, never a lost fact.
    /// </para>
    /// </summary>
    internal static class FactTokens
    {
        /// <summary>
        /// Whether both texts state the same numbers, dates, amounts and identifiers, in the same order
        /// ("from 300 to 600" is not "from 600 to 300"), name the same names in the same order, and use the same
        /// content words. A name is a word capitalised in either text, compared without case, so "Dark mode" and
        /// "dark mode" agree.
        /// </summary>
        public static bool Agree(string a, string b)
        {
            var x = Chunks(a);
            var y = Chunks(b);
            if (!SequenceEqual(x.Where(IsIdentifier).Select(IdentifierKey), y.Where(IsIdentifier).Select(IdentifierKey)))
            {
                return false;
            }

            var names = new HashSet<string>(x.Concat(y).Where(IsCapitalised).Select(Lower), StringComparer.Ordinal);
            return SequenceEqual(x.Select(Lower).Where(names.Contains), y.Select(Lower).Where(names.Contains))
                && ContentWords(a).SetEquals(ContentWords(b));
        }

        /// <summary>
        /// A 64-bit key of what <see cref="Agree"/> wants equal as a whole: the identifiers in order (lower-cased) and the
        /// set of content words. Two texts that agree always have the same key, so the dedup check looks up merge
        /// candidates by key (an index in SQL) instead of searching vectors; texts with other keys can never merge. Names
        /// are not in it (Agree compares them against the other text's chunks). Stored in <c>memories.fact_key</c>: the
        /// hash must be the same in every process and version (SHA-256, never <see cref="string.GetHashCode()"/>). Never 0.
        /// </summary>
        public static long Key(string text)
        {
            using var sha = SHA256.Create();
            return Key(text, sha);
        }

        /// <summary>The same key with a caller's <see cref="SHA256"/> (a batch creates one).</summary>
        /// <remarks>
        /// The hashed text is the identifiers, each lower-cased and followed by ' ', then '\n', then the distinct content
        /// words in ordinal order, each followed by ' ' (neither ' ' nor '\n' occurs inside a chunk or a word, so the
        /// lists cannot run into each other). Built in one pass over character ranges, without a string per chunk or
        /// word: the string-based version was 2.8 % of all samples of a 10,000-row default-dedup ingest, more than the
        /// embedder (1.2 %). <c>FactKeyTests</c> pins it to that definition over every eval text. It and the loops it runs
        /// are <see cref="HotPath.Optimized"/>: a 10,000-row ingest ran them as tier-0 code, and the key was then 7.3 % of all
        /// the process's CPU samples (perf, 2 Dec), the largest part of a chunk's preparation.
        /// </remarks>
        [MethodImpl(HotPath.Optimized)]
        public static long Key(string text, SHA256 sha)
        {
            // Room for every character twice (as an identifier and in a word) and a separator after each chunk and word:
            // lower-casing never changes a string's length in .NET (simple case mapping).
            var canonical = new char[(3 * text.Length) + 2];
            var length = 0;
            for (var at = 0; NextChunk(text, ref at, out var start, out var end);)
            {
                if (end > start && IsIdentifier(text, start, end))
                {
                    length = AppendLower(text, start, IdentifierKeyEnd(text, start, end), canonical, length);
                    canonical[length++] = ' ';
                }
            }

            canonical[length++] = '\n';
            length = AppendContentWords(text, canonical, length);
            var bytes = Encoding.UTF8.GetBytes(canonical, 0, length);
            var hash = sha.ComputeHash(bytes);
            // The first 8 bytes, little-endian whatever the machine (the key is stored in the file).
            long key = 0;
            for (var i = 7; i >= 0; i--)
            {
                key = (key << 8) | hash[i];
            }

            return key == 0 ? 1 : key;
        }

        // text[start, end) lower-cased as string.ToLowerInvariant does (per char for ASCII; through a string otherwise,
        // where a surrogate pair may map as one).
        [MethodImpl(HotPath.Optimized)]
        private static int AppendLower(string text, int start, int end, char[] target, int length)
        {
            var ascii = true;
            for (var i = start; i < end && ascii; i++)
            {
                ascii = text[i] < 0x80;
            }

            if (ascii)
            {
                for (var i = start; i < end; i++)
                {
                    var c = text[i];
                    target[length++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
                }

                return length;
            }

            var lowered = text.Substring(start, end - start).ToLowerInvariant();
            lowered.CopyTo(0, target, length, lowered.Length);
            return length + lowered.Length;
        }

        // The text's distinct content words (those of WordTokenizer.Words that IsContentWord keeps), in ordinal order,
        // each followed by ' ': ranges of the lower-cased words WordSpans gives, sorted.
        [MethodImpl(HotPath.Optimized)]
        private static int AppendContentWords(string text, char[] target, int length)
        {
            var spans = WordSpans.Of(text);
            var chars = spans.Chars;
            var words = new List<(int Start, int Length)>(spans.Count);
            for (var w = 0; w < spans.Count; w++)
            {
                var start = spans.Starts[w];
                var wordLength = spans.Starts[w + 1] - start;
                if (WordTokenizer.IsContentWordAt(chars, start, wordLength))
                {
                    words.Add((start, wordLength));
                }
            }

            words.Sort((x, y) => CompareOrdinal(chars, x, y));
            for (var w = 0; w < words.Count; w++)
            {
                if (w > 0 && CompareOrdinal(chars, words[w - 1], words[w]) == 0)
                {
                    continue;
                }

                Array.Copy(chars, words[w].Start, target, length, words[w].Length);
                length += words[w].Length;
                target[length++] = ' ';
            }

            return length;
        }

        [MethodImpl(HotPath.Optimized)]
        private static int CompareOrdinal(char[] chars, (int Start, int Length) x, (int Start, int Length) y)
        {
            var shared = Math.Min(x.Length, y.Length);
            for (var i = 0; i < shared; i++)
            {
                var difference = chars[x.Start + i] - chars[y.Start + i];
                if (difference != 0)
                {
                    return difference;
                }
            }

            return x.Length - y.Length;
        }

        /// <summary>The whitespace-separated chunks of <paramref name="text"/>, surrounding punctuation trimmed.</summary>
        private static List<string> Chunks(string text)
        {
            var chunks = new List<string>();
            for (var at = 0; NextChunk(text, ref at, out var start, out var end);)
            {
                if (end > start)
                {
                    chunks.Add(text.Substring(start, end - start));
                }
            }

            return chunks;
        }

        /// <summary>
        /// The next whitespace-separated chunk of <paramref name="text"/> from <paramref name="at"/> (moved past it), as
        /// <see cref="Trim"/> leaves it: [<paramref name="start"/>, <paramref name="end"/>), empty when it was all
        /// punctuation; false when only whitespace is left.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static bool NextChunk(string text, ref int at, out int start, out int end)
        {
            while (at < text.Length && char.IsWhiteSpace(text[at]))
            {
                at++;
            }

            var rawStart = at;
            while (at < text.Length && !char.IsWhiteSpace(text[at]))
            {
                at++;
            }

            Trim(text, rawStart, at, out start, out end);
            return at > rawStart;
        }

        /// <summary>
        /// The chunk inside <paramref name="text"/>[<paramref name="rawStart"/>, <paramref name="rawEnd"/>) with what only
        /// punctuates the sentence trimmed ("(300)," → "300"), inner separators kept ("v2.1", "10:30").
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static void Trim(string text, int rawStart, int rawEnd, out int start, out int end)
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


        // "-5" and "5" are different numbers: a sign right before a digit stays.
        private static bool IsSign(string chunk, int at, int end) =>
            (chunk[at] == '-' || chunk[at] == '+') && at + 1 < end && char.IsDigit(chunk[at + 1]);

        private static bool HasDigit(string chunk) => HasDigit(chunk, 0, chunk.Length);

        [MethodImpl(HotPath.Optimized)]
        private static bool HasDigit(string text, int start, int end)
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

        private static bool IsCapitalised(string chunk) => char.IsUpper(chunk[0]) && !HasDigit(chunk);

        /// <summary>A chunk with a digit, an inner separator ("media-worker", "billing_queue", "app.settings") or a capital after a small letter ("paymentsApi").</summary>
        private static bool IsIdentifier(string chunk) => IsIdentifier(chunk, 0, chunk.Length);

        [MethodImpl(HotPath.Optimized)]
        private static bool IsIdentifier(string text, int start, int end)
        {
            for (var i = start; i < end; i++)
            {
                var c = text[i];
                if (char.IsDigit(c) || c == '-' || c == '_' || c == '.' || c == '/' || (char.IsUpper(c) && i > start && char.IsLower(text[i - 1])))
                {
                    return true;
                }
            }

            return false;
        }

        // "media-worker's" names media-worker. A chunk with a digit stays whole.
        private static string IdentifierKey(string chunk) => chunk.Substring(0, IdentifierKeyEnd(chunk, 0, chunk.Length));

        private static int IdentifierKeyEnd(string text, int start, int end) =>
            !HasDigit(text, start, end) && end - start > 2 && (text[end - 2] == '\'' || text[end - 2] == '\u2019') && (text[end - 1] == 's' || text[end - 1] == 'S')
                ? end - 2
                : end;

        private static HashSet<string> ContentWords(string text) =>
            new HashSet<string>(WordTokenizer.Words(text).Where(WordTokenizer.IsContentWord), StringComparer.Ordinal);

        private static string Lower(string chunk) => chunk.ToLowerInvariant();

        private static bool SequenceEqual(IEnumerable<string> a, IEnumerable<string> b) =>
            a.Select(Lower).SequenceEqual(b.Select(Lower), StringComparer.Ordinal);
    }
}
