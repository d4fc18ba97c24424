using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Engram.Eval.Sets
{
    /// <summary>
    /// The content words of a text as SQLite FTS5 sees them: unicode61 tokens minus an English stop-word
    /// list, porter-stemmed by FTS5's own porter tokenizer (so the paraphrase checker and the BM25 baseline
    /// agree on what a word is, and nobody hand-writes a stemmer). One in-memory connection; not thread-safe.
    /// </summary>
    public sealed class ContentWords : IDisposable
    {
        private readonly SqliteConnection _connection;

        public ContentWords()
        {
            _connection = new SqliteConnection("Data Source=:memory:");
            _connection.Open();
            Execute(
                "CREATE VIRTUAL TABLE raw USING fts5(x, tokenize = 'unicode61');" +
                "CREATE VIRTUAL TABLE stemmed USING fts5(x, tokenize = 'porter unicode61');" +
                "CREATE VIRTUAL TABLE raw_terms USING fts5vocab(raw, 'instance');" +
                "CREATE VIRTUAL TABLE stemmed_terms USING fts5vocab(stemmed, 'instance');");
        }

        /// <summary>Words that carry no content: articles, pronouns, auxiliaries, question words, prepositions.</summary>
        public static readonly IReadOnlyCollection<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
        {
            "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
            "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
            "did", "do", "does", "doing", "done", "down", "during", "each", "either", "else", "ever", "every",
            "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
            "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
            "just", "me", "more", "most", "must", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
            "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "shall",
            "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
            "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
            "until", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
            "whom", "whose", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
            "s", "t", "d", "ll", "m", "re", "ve", "don", "didn", "doesn", "isn", "wasn", "won", "let", "lets",
            "yes", "yeah", "oh", "ok", "okay", "also", "get", "got", "go", "going", "one", "thing", "way",
        };

        /// <summary>The text's non-stop-word tokens, lower-cased, in order (duplicates kept).</summary>
        public IReadOnlyList<string> Tokens(string text) => Tokenize(text).Select(t => t.Raw).ToList();

        /// <summary>The distinct porter stems of the text's content words.</summary>
        public ISet<string> Stems(string text) => new HashSet<string>(Tokenize(text).Select(t => t.Stem), StringComparer.Ordinal);

        /// <summary>How many distinct content-word stems the two texts have in common.</summary>
        public int Shared(string a, string b)
        {
            var left = Stems(a);
            left.IntersectWith(Stems(b));
            return left.Count;
        }

        public void Dispose() => _connection.Dispose();

        private List<(string Raw, string Stem)> Tokenize(string text)
        {
            Execute("DELETE FROM raw; DELETE FROM stemmed;");
            using (var insert = _connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO raw (x) VALUES ($t); INSERT INTO stemmed (x) VALUES ($t);";
                insert.Parameters.AddWithValue("$t", text ?? "");
                insert.ExecuteNonQuery();
            }

            // Porter wraps unicode61, so both tables see the same tokens at the same offsets.
            var raw = ReadTerms("raw_terms");
            var stems = ReadTerms("stemmed_terms");
            var result = new List<(string, string)>();
            foreach (var pair in raw)
            {
                if (!StopWords.Contains(pair.Value) && stems.TryGetValue(pair.Key, out var stem))
                {
                    result.Add((pair.Value, stem));
                }
            }

            return result;
        }

        private SortedDictionary<long, string> ReadTerms(string vocabTable)
        {
            var terms = new SortedDictionary<long, string>();
            using var select = _connection.CreateCommand();
            select.CommandText = $"SELECT term, offset FROM {vocabTable}";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                terms[reader.GetInt64(1)] = reader.GetString(0);
            }

            return terms;
        }

        private void Execute(string sql)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
