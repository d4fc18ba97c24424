using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Engram.PowerShell.Binding
{
    /// <summary>
    /// How a bucket parameter's value selects buckets, one rule for every cmdlet: a value without wildcards
    /// names one bucket exactly (case-sensitive, as bucket names are: <c>prod</c> and <c>PROD</c> are two
    /// buckets); a value with wildcards (PowerShell's <c>* ? [ ]</c>, escaped with a backtick) selects the
    /// existing buckets it matches, case-sensitively too, so <c>PROD*</c> never reaches <c>prod</c>.
    /// </summary>
    internal static class BucketNames
    {
        /// <summary>How many "Did you mean" names an unknown bucket's error offers at most.</summary>
        public const int MaxSuggestions = 3;

        public static bool HasWildcards(string value) => WildcardPattern.ContainsWildcardCharacters(value);

        /// <summary>The bucket name a value without wildcards stands for: backtick escapes removed (<c>logs`[1`]</c> is <c>logs[1]</c>).</summary>
        public static string Unescape(string value) => value.IndexOf('`') < 0 ? value : WildcardPattern.Unescape(value);

        /// <summary>
        /// The names among <paramref name="existing"/> that <paramref name="value"/> selects, in the given order:
        /// the one equal to it when <paramref name="literal"/>, else those its wildcard pattern matches.
        /// </summary>
        public static IReadOnlyList<string> Select(IEnumerable<string> existing, string value, bool literal)
        {
            if (literal)
            {
                return existing.Where(name => string.Equals(name, value, StringComparison.Ordinal)).Take(1).ToList();
            }

            var pattern = WildcardPattern.Get(value, WildcardOptions.None);
            return existing.Where(pattern.IsMatch).ToList();
        }

        /// <summary>
        /// The existing names closest to <paramref name="unknown"/>, closest first: the same name in another case,
        /// then names within a few edits (ignoring case), then names that start with it or that it starts with.
        /// </summary>
        public static IReadOnlyList<string> Closest(IEnumerable<string> existing, string unknown)
        {
            var typed = unknown.ToUpperInvariant();

            // About a third of the name may be wrong (at least one edit, at most three): "prdo" finds "prod",
            // "ops" does not find "dev".
            var allowed = Math.Max(1, Math.Min(3, typed.Length / 3));
            return existing
                .Select(name => (Name: name, Distance: Distance(name.ToUpperInvariant(), typed, allowed)))
                .Where(candidate => candidate.Distance <= allowed + 1)
                .OrderBy(candidate => candidate.Distance)
                .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
                .Take(MaxSuggestions)
                .Select(candidate => candidate.Name)
                .ToList();
        }

        /// <summary>Edit distance; a prefix relation (either way) counts as just past the allowed edits.</summary>
        private static int Distance(string name, string typed, int allowed)
        {
            var edits = Quickenshtein.Levenshtein.GetDistance(name, typed);
            if (edits <= allowed)
            {
                return edits;
            }

            return typed.Length > 0 && (name.StartsWith(typed, StringComparison.Ordinal) || typed.StartsWith(name, StringComparison.Ordinal))
                ? allowed + 1
                : int.MaxValue;
        }
    }
}
