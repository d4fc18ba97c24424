using System.Collections.Generic;
using System.Linq;
using System.Text;
using Engram.Local.Storage;
using Engram.Local.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// What the lexical search of one bucket runs: an FTS5 MATCH expression, ranked by BM25, or (when
    /// <see cref="Ranked"/> is false) its newest matches unranked, every one scored alike.
    /// </summary>
    internal sealed class LexicalQuery
    {
        public LexicalQuery(string expression, bool ranked = true)
        {
            Expression = expression;
            Ranked = ranked;
        }

        public string Expression { get; }

        public bool Ranked { get; }
    }

    /// <summary>
    /// Turns a user's question into a safe FTS5 query for one bucket: its content words, each quoted (so no
    /// character the user types is FTS5 syntax), joined by OR. In a bucket of at least
    /// <see cref="CommonWordCheckMinimum"/>, words that occur in at least half of the bucket's memories are dropped:
    /// FTS5's BM25 gives them no weight (its idf is log((N − n + 0.5) / (n + 0.5)) ≤ 0, clamped to 1e-6), and
    /// searching them would score most of the bucket. From <see cref="BoundedSearchMinimum"/> memories the search is
    /// also bounded (see <see cref="Bounded"/>). Only the bucket's own counts decide, so no other bucket or tenant
    /// changes the query.
    /// </summary>
    internal static class Fts5QueryBuilder
    {
        /// <summary>Below this many memories every word is searched: scoring the whole bucket is cheap there.</summary>
        public const int CommonWordCheckMinimum = 2000;

        /// <summary>From this many memories the lexical search scores at most <see cref="RankedRowLimit"/> rows.</summary>
        public const int BoundedSearchMinimum = 20_000;

        /// <summary>
        /// The most rows BM25 scores in a bounded search: 5 × the 200-candidate pool. FTS5 spends about 3 µs per
        /// scored row (sqlite3 on the 924,109-row bench bucket: a 4-word question matching 82,000 rows took 268 ms
        /// of CPU ranked, 13 ms merely enumerated), so an unbounded OR of common words cost more than any target.
        /// </summary>
        public const int RankedRowLimit = 1024;

        private const int MaxTerms = 16;

        /// <summary>The FTS5 query for <paramref name="bucket"/>, or null when no searchable word is left.</summary>
        public static LexicalQuery? Build(SqliteConnection connection, BucketRow bucket, IReadOnlyList<string> terms)
        {
            if (terms.Count == 0)
            {
                return null;
            }

            if (bucket.MemoryCount >= BoundedSearchMinimum)
            {
                return Bounded(connection, bucket, terms);
            }

            var kept = terms.ToList();
            if (bucket.MemoryCount >= CommonWordCheckMinimum)
            {
                var half = (bucket.MemoryCount + 1) / 2;
                kept = terms.Where(t => Count(connection, bucket, Quote(t), half) < half).ToList();
            }

            return kept.Count == 0 ? null : new LexicalQuery(Join(kept));
        }

        /// <summary>Distinct content words of the question, in order.</summary>
        public static List<string> Terms(string question) =>
            WordTokenizer.Words(question).Where(WordTokenizer.IsContentWord).Distinct().Take(MaxTerms).ToList();

        public static string Join(IEnumerable<string> terms)
        {
            var builder = new StringBuilder();
            foreach (var term in terms)
            {
                if (builder.Length > 0)
                {
                    builder.Append(" OR ");
                }

                builder.Append(Quote(term));
            }

            return builder.ToString();
        }

        /// <summary>
        /// A large bucket's query, scoring at most <see cref="RankedRowLimit"/> rows. Each word's matches are counted
        /// up to that limit (words matching nothing are dropped). When all words together match no more, it is the
        /// plain OR (exact BM25). Otherwise the rows scored are those matching any word that is rare enough to fit the
        /// limit together, rarest first; the other rare words still score those rows (the choosing words then appear
        /// twice in the expression, so they count double, alike for every chosen row that has them). Words matching
        /// more rows than the limit never enter a BM25 expression: BM25 reads a phrase's whole doclist for its idf
        /// (about 0.17 µs a row: a 61,000-row word tripled the cost of ranking 232 rows; six common words of the 1M
        /// bench bucket, 350,000 doclist rows, cost 120 ms). A row matching only common words is then not a ranked
        /// lexical candidate; see <see cref="AllCommon"/> for a question without a rare word.
        /// </summary>
        private static LexicalQuery? Bounded(SqliteConnection connection, BucketRow bucket, IReadOnlyList<string> terms)
        {
            var counted = terms
                .Select((term, order) => (Term: term, Order: order, Count: Count(connection, bucket, Quote(term), RankedRowLimit + 1)))
                .Where(c => c.Count > 0)
                .OrderBy(c => c.Count)
                .ThenBy(c => c.Order)
                .ToList();
            if (counted.Count == 0)
            {
                return null;
            }

            if (counted.Sum(c => c.Count) <= RankedRowLimit)
            {
                return new LexicalQuery(Join(counted.OrderBy(c => c.Order).Select(c => c.Term)));
            }

            var choosing = new List<string>();
            var chosenRows = 0;
            foreach (var c in counted)
            {
                if (chosenRows + c.Count <= RankedRowLimit)
                {
                    choosing.Add(c.Term);
                    chosenRows += c.Count;
                }
            }

            if (choosing.Count == 0)
            {
                return AllCommon(connection, bucket, counted.Select(c => c.Term).ToList());
            }

            var selector = Join(choosing);
            var scoring = counted.Where(c => c.Count <= RankedRowLimit && !choosing.Contains(c.Term)).OrderBy(c => c.Order).Select(c => c.Term).ToList();
            var expression = scoring.Count == 0 ? selector : "(" + selector + ") OR ((" + selector + ") AND (" + Join(scoring) + "))";
            return new LexicalQuery(expression);
        }

        /// <summary>
        /// The query of a question whose every word matches more rows than <see cref="RankedRowLimit"/>: the newest
        /// rows matching all of its words (<paramref name="rarestFirst"/>), unranked; when no row has them all, all of
        /// the rarest words that still leave some row, added rarest first. Every such row has the same question words,
        /// so BM25 would tell them apart only by length and term frequency, at the price of reading each common word's
        /// whole doclist; they are scored alike and the dense pass orders them.
        /// </summary>
        private static LexicalQuery AllCommon(SqliteConnection connection, BucketRow bucket, IReadOnlyList<string> rarestFirst)
        {
            var all = string.Join(" AND ", rarestFirst.Select(Quote));
            if (rarestFirst.Count == 1 || Count(connection, bucket, all, 1) > 0)
            {
                return new LexicalQuery(all, ranked: false);
            }

            // Proving an AND empty walks its doclists (about 2.5 ms for three common words at 1M): the last narrowing
            // after every other word was kept is the AND of all, known empty.
            var selector = Quote(rarestFirst[0]);
            var keptAll = true;
            for (var i = 1; i < rarestFirst.Count; i++)
            {
                var narrower = selector + " AND " + Quote(rarestFirst[i]);
                var knownEmpty = keptAll && i == rarestFirst.Count - 1;
                if (!knownEmpty && Count(connection, bucket, narrower, 1) > 0)
                {
                    selector = narrower;
                }
                else
                {
                    keptAll = false;
                }
            }

            return new LexicalQuery(selector, ranked: false);
        }

        private static int Count(SqliteConnection connection, BucketRow bucket, string expression, int cap) =>
            LexicalIndex.CountMatches(connection, bucket.Key, expression, cap) ?? 0;

        private static string Quote(string term) => "\"" + term.Replace("\"", "\"\"") + "\"";
    }
}
