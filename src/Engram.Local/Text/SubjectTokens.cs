using System;
using System.Collections.Generic;

namespace Engram.Local.Text
{
    /// <summary>
    /// What a short fact is about: its names (capitalised words that are neither stop words nor acronyms,
    /// "Dana's" → "dana")
    /// and its lower-case identifiers with a hyphen ("search-api", "new-checkout-flow"). Two look-alike
    /// texts with no subject in common ("Dana is allergic to peanuts." / "Omar is allergic to shellfish.")
    /// are about different things; a correction keeps the subject of what it corrects.
    /// </summary>
    internal static class SubjectTokens
    {
        public static HashSet<string> Of(string text) => new HashSet<string>(InOrder(text), StringComparer.Ordinal);

        /// <summary>The subjects in the order the text names them (repeats kept); the first is usually what the fact is about.</summary>
        public static List<string> InOrder(string text)
        {
            var subjects = new List<string>();
            foreach (var raw in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var start = 0;
                var end = raw.Length;
                while (start < end && !char.IsLetterOrDigit(raw[start]))
                {
                    start++;
                }

                while (end > start && !char.IsLetterOrDigit(raw[end - 1]))
                {
                    end--;
                }

                if (end - start >= 2 && raw[end - 2] == '\'' && (raw[end - 1] == 's' || raw[end - 1] == 'S'))
                {
                    end -= 2;
                }

                if (end - start < 2)
                {
                    continue;
                }

                var word = raw.Substring(start, end - start);
                var hasDigit = false;
                var hasHyphen = false;
                foreach (var c in word)
                {
                    hasDigit |= char.IsDigit(c);
                    hasHyphen |= c == '-';
                }

                if (hasDigit)
                {
                    continue; // numbers and ids are the fact's value, which a correction changes
                }

                var lower = word.ToLowerInvariant();
                if (Calendar.Contains(lower))
                {
                    continue; // "Tuesdays", "November": when a fact holds, a value a correction changes
                }

                // Acronyms ("SLA", "API", "UTC") name kinds of things, not the thing a fact is about.
                var acronym = !hasHyphen && word.ToUpperInvariant() == word;
                if ((hasHyphen || (char.IsUpper(word[0]) && !acronym)) && WordTokenizer.IsContentWord(lower))
                {
                    subjects.Add(lower);
                }
            }

            return subjects;
        }

        private static readonly HashSet<string> Calendar = new HashSet<string>(StringComparer.Ordinal)
        {
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        };

        /// <summary>Whether the two texts share a subject (or neither names one).</summary>
        public static bool Shared(HashSet<string> a, HashSet<string> b) => (a.Count == 0 && b.Count == 0) || a.Overlaps(b);
    }
}
