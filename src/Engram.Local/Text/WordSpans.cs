using System;
using System.Runtime.CompilerServices;

namespace Engram.Local.Text
{
    /// <summary>
    /// The words <see cref="WordTokenizer.Words"/> returns, without a string per word: lower-cased into one buffer
    /// of the calling thread, word i at <c>Chars[Starts[i], Starts[i + 1])</c>. For hot loops that only read the
    /// characters (the hashing embedder, the fact key); valid until the same thread asks again.
    /// </summary>
    internal sealed class WordSpans
    {
        [ThreadStatic]
        private static WordSpans? _perThread;

        private WordSpans()
        {
        }

        /// <summary>The lower-cased characters of the words, one after the other.</summary>
        public char[] Chars { get; private set; } = new char[256];

        /// <summary>Where each word starts in <see cref="Chars"/>, and at <c>Starts[Count]</c> where the last one ends.</summary>
        public int[] Starts { get; private set; } = new int[64];

        public int Count { get; private set; }

        /// <summary>The words of <paramref name="text"/>, split and lowered exactly as <see cref="WordTokenizer.Words"/> does.</summary>
        public static WordSpans Of(string text)
        {
            var words = _perThread ??= new WordSpans();
            words.Fill(text);
            return words;
        }

        [MethodImpl(HotPath.Optimized)]
        private void Fill(string text)
        {
            if (Chars.Length < text.Length)
            {
                Chars = new char[Math.Max(text.Length, Chars.Length * 2)];
            }

            // At most one word per two characters, plus the end mark.
            var maxWords = (text.Length / 2) + 2;
            if (Starts.Length < maxWords)
            {
                Starts = new int[Math.Max(maxWords, Starts.Length * 2)];
            }

            var chars = Chars;
            var starts = Starts;
            var count = 0;
            var length = 0;
            var inWord = false;
            foreach (var c in text)
            {
                if (char.IsLetterOrDigit(c))
                {
                    if (!inWord)
                    {
                        starts[count++] = length;
                        inWord = true;
                    }

                    chars[length++] = char.ToLowerInvariant(c);
                }
                else
                {
                    inWord = false;
                }
            }

            starts[count] = length;
            Count = count;
        }
    }
}
