using System.Collections.Generic;
using System.Linq;
using System.Text;
using Engram.Local.Storage;
using Engram.Local.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Turns a user's question into a safe FTS5 query for one bucket: its content words, each quoted (so no
    /// character the user types is FTS5 syntax), joined by OR. In a large bucket, words that occur in at
    /// least half of the bucket's memories are dropped: FTS5's BM25 gives them no weight (its idf is
    /// log((N − n + 0.5) / (n + 0.5)) ≤ 0, clamped to 1e-6), and searching them would score most of the
    /// bucket. Only the bucket's own counts decide, so no other bucket or tenant changes the query.
    /// </summary>
    internal static class Fts5QueryBuilder
    {
        /// <summary>Below this many memories every word is searched: scoring the whole bucket is cheap there.</summary>
        public const int CommonWordCheckMinimum = 2000;

        private const int MaxTerms = 16;

        /// <summary>The FTS5 MATCH expression for <paramref name="bucket"/>, or null when no searchable word is left.</summary>
        public static string? Build(SqliteConnection connection, BucketRow bucket, IReadOnlyList<string> terms)
        {
            if (terms.Count == 0)
            {
                return null;
            }

            var kept = terms.ToList();
            if (bucket.MemoryCount >= CommonWordCheckMinimum)
            {
                var half = (bucket.MemoryCount + 1) / 2;
                kept = terms.Where(t => (LexicalIndex.DocumentFrequency(connection, bucket.Key, Quote(t), half) ?? 0) < half).ToList();
            }

            return kept.Count == 0 ? null : Join(kept);
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

        private static string Quote(string term) => "\"" + term.Replace("\"", "\"\"") + "\"";
    }
}
