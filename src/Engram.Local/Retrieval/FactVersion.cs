using System;
using System.Collections.Generic;
using Engram.Local.Text;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// What <see cref="RecencyOrder.PromoteNewer"/> compares to tell versions of one fact ("payments-api has a rate
    /// limit of 300 …" / "The payments-api rate limit was raised to 600 …") from memories that are merely alike: the
    /// subject (<see cref="SubjectTokens"/>) and the content words.
    /// </summary>
    internal sealed class FactVersion
    {
        /// <summary>
        /// Versions share at least this many content words (names included) ... Measured on bench/eval with MiniLM, 2
        /// instead of 3: facts R@1 0.735 instead of 0.748, facts-scale R@5 0.868 instead of 0.874. Without the names
        /// (subjects) among the shared words, corrections that keep little but the names ("Omar Haddad uses Neovim with
        /// the LazyVim distribution." / "Omar Haddad switched from Neovim to the Zed editor.") stay below: old above
        /// correction 0.09-0.12 on facts (hashing).
        /// </summary>
        public const int MinSharedWords = 3;

        /// <summary>
        /// ... and at least this share of the longer text's. Over the shorter text instead, one short chat turn
        /// ("Jonas: Nice!") is a version of every turn of its speaker: conversations R@1 0.34 → 0.10 (hashing). 0.4 leaves
        /// rewritten corrections apart ("Initech Bank is in a pilot until 15 November …" / "Initech Bank's pilot was
        /// extended to 31 January."): old above correction 0.12 instead of 0.03 (MiniLM, facts); 0.35 cost conversations
        /// 0.01 R@1, 0.25 measured as 0.3.
        /// </summary>
        public const double MinSharedShare = 0.3;

        private static readonly char[] ChunkPunctuation = { '.', ',', ';', ':', '!', '?', '(', ')', '"', '\'', '[', ']' };

        private FactVersion(List<string> subjects, HashSet<string> words, HashSet<string> things)
        {
            Things = things;
            Topic = subjects.Count > 0 ? subjects[0] : null;
            Subjects = new HashSet<string>(subjects, StringComparer.Ordinal);
            Words = words;
        }

        /// <summary>The first subject the text names: what it is about ("Omar", "payments-api"); null when it names none.</summary>
        public string? Topic { get; }

        public HashSet<string> Subjects { get; }

        /// <summary>Identifiers that name a thing: a chunk of two letters or more with a digit or an inner separator ("host-41", "INC-4411", "payments-api"), lower-cased.</summary>
        public HashSet<string> Things { get; }

        /// <summary>Lower-cased content words (<see cref="WordTokenizer.IsContentWord"/>) and numbers.</summary>
        public HashSet<string> Words { get; }

        public static FactVersion Of(string text)
        {
            var words = new HashSet<string>(StringComparer.Ordinal);
            foreach (var word in WordTokenizer.Words(text))
            {
                if (WordTokenizer.IsContentWord(word) || char.IsDigit(word[0]))
                {
                    words.Add(word);
                }
            }

            var things = new HashSet<string>(StringComparer.Ordinal);
            foreach (var raw in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var chunk = raw.Trim(ChunkPunctuation);
                if (chunk.EndsWith("'s", StringComparison.OrdinalIgnoreCase))
                {
                    chunk = chunk.Substring(0, chunk.Length - 2);
                }

                int letters = 0, marks = 0;
                foreach (var c in chunk)
                {
                    letters += char.IsLetter(c) ? 1 : 0;
                    marks += char.IsDigit(c) || c == '-' || c == '_' || c == '.' ? 1 : 0;
                }

                if (letters >= 2 && marks > 0)
                {
                    things.Add(chunk.ToLowerInvariant());
                }
            }

            return new FactVersion(SubjectTokens.InOrder(text), words, things);
        }

        /// <summary>Whether the two state one fact: a shared subject and enough shared content words (<see cref="MinSharedWords"/>, <see cref="MinSharedShare"/>).</summary>
        public static bool AreVersions(FactVersion older, FactVersion newer)
        {
            // About the same thing: each names what the other is about. "Keiko is on call for search-api …" and "Alerts
            // for search-api page the on-call engineer …" share a subject and the question's words, yet are two facts.
            if (older.Topic == null || newer.Topic == null
                ? older.Topic != newer.Topic
                : !newer.Subjects.Contains(older.Topic) || !older.Subjects.Contains(newer.Topic))
            {
                return false;
            }

            // Each names a thing the other does not: two things ("Server host-41 …" / "Server host-169 …"), not two versions.
            if (!older.Things.IsSubsetOf(newer.Things) && !newer.Things.IsSubsetOf(older.Things))
            {
                return false;
            }

            var shared = 0;
            foreach (var word in older.Words)
            {
                if (newer.Words.Contains(word))
                {
                    shared++;
                }
            }

            return shared >= MinSharedWords && shared >= MinSharedShare * Math.Max(older.Words.Count, newer.Words.Count);
        }

        /// <summary>
        /// Whether the question uses a word of <paramref name="older"/> that <paramref name="newer"/> does not ("300",
        /// "order 1234", "Tuesdays"): then it asks for that version. Measured against the older one's numbers, identifiers
        /// and names only, old above correction on facts is 0.00 instead of 0.06 (hashing), but conversations R@1 0.40 instead
        /// of 0.42 (hashing) and 0.47 instead of 0.53 (MiniLM): a question naming the event it asks about keeps that turn.
        /// </summary>
        public static bool QuestionNamesOlder(FactVersion older, FactVersion newer, ISet<string> questionWords)
        {
            foreach (var word in older.Words)
            {
                if (!newer.Words.Contains(word) && questionWords.Contains(word))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
