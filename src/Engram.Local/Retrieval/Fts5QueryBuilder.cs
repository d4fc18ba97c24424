using System.Collections.Generic;
using System.Linq;
using System.Text;
using Engram.Local.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Turns a user's question into a safe FTS5 query: its content words, each quoted (so no character
    /// the user types is FTS5 syntax), joined by OR. Words that occur in very many memories are dropped:
    /// they add almost nothing to BM25 and would make the engine score most of the index.
    /// </summary>
    internal static class Fts5QueryBuilder
    {
        /// <summary>A word in more memories than this is too common to search lexically.</summary>
        public const int MaxDocumentFrequency = 5000;

        private const int MaxTerms = 16;

        /// <summary>The FTS5 MATCH expression, or null when the question has no searchable word.</summary>
        public static string? Build(SqliteConnection connection, string question)
        {
            var terms = Terms(question);
            if (terms.Count == 0)
            {
                return null;
            }

            var kept = terms.Where(t => DocumentFrequency(connection, t) <= MaxDocumentFrequency).ToList();
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

                builder.Append('"').Append(term.Replace("\"", "\"\"")).Append('"');
            }

            return builder.ToString();
        }

        private static long DocumentFrequency(SqliteConnection connection, string term)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT doc FROM memories_fts_vocab WHERE term = $term;";
            command.Parameters.AddWithValue("$term", term);
            var value = command.ExecuteScalar();
            return value == null ? 0 : (long)value;
        }
    }
}
