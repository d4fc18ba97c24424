using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>One BM25 hit: the memory's seq and its score (larger is better).</summary>
    internal readonly struct LexicalHit
    {
        public LexicalHit(long seq, double score)
        {
            Seq = seq;
            Score = score;
        }

        public long Seq { get; }

        /// <summary>
        /// FTS5's bm25() negated, so larger is better; computed with this bucket's statistics only. An unranked
        /// search gives every hit <see cref="LexicalIndex.UnrankedScore"/>.
        /// </summary>
        public double Score { get; }
    }

    /// <summary>The outcome of a lexical search: hits best first, or the FTS error that prevented it.</summary>
    internal sealed class LexicalResult
    {
        public static readonly LexicalResult None = new LexicalResult(new List<LexicalHit>(), null);

        public LexicalResult(List<LexicalHit> hits, string? error)
        {
            Hits = hits;
            Error = error;
        }

        public List<LexicalHit> Hits { get; }

        /// <summary>Why the search failed (SQLite's message), or null.</summary>
        public string? Error { get; }
    }

    /// <summary>
    /// All FTS5 SQL. Every bucket has its own FTS5 table (<c>memories_fts_{bucket rowid}</c>, external
    /// content over <c>memories</c>), so BM25's document counts, term frequencies and average lengths are
    /// the bucket's own: no tenant or bucket changes another's lexical ranking. English porter stemming
    /// over unicode61 ("deploying" matches "deployed"). Rows are added and removed by the storage code
    /// that writes <c>memories</c>, in the same transaction (a trigger cannot pick a table per bucket).
    /// </summary>
    internal static class LexicalIndex
    {
        public const string Tokenizer = "porter unicode61 remove_diacritics 2";

        /// <summary>The score of every hit of an unranked search: they match alike, and fusion divides by the best.</summary>
        public const double UnrankedScore = 1.0;

        public static string TableName(long bucketKey) => "memories_fts_" + bucketKey.ToString(CultureInfo.InvariantCulture);

        public static void Create(SqliteConnection connection, SqliteTransaction? transaction, long bucketKey)
        {
            var table = TableName(bucketKey);
            Execute(connection, transaction,
                $"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5 (content, content = 'memories', content_rowid = 'seq', tokenize = '{Tokenizer}');");
        }

        public static void Drop(SqliteConnection connection, SqliteTransaction? transaction, long bucketKey) =>
            Execute(connection, transaction, $"DROP TABLE IF EXISTS {TableName(bucketKey)};");

        /// <summary>Indexes the bucket's stored memories (migration of an older file).</summary>
        public static void Fill(SqliteConnection connection, SqliteTransaction? transaction, long bucketKey, string bucketId)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {TableName(bucketKey)} (rowid, content) SELECT seq, content FROM memories WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.ExecuteNonQuery();
        }

        /// <summary>A prepared insert of (seq, content) into the bucket's index, for <see cref="MemoryInserter"/>.</summary>
        public static SqliteCommand PrepareInsert(SqliteConnection connection, SqliteTransaction transaction, long bucketKey)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {TableName(bucketKey)} (rowid, content) VALUES ($seq, $content);";
            command.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
            command.Parameters.Add(new SqliteParameter { ParameterName = "$content" });
            command.Prepare();
            return command;
        }

        /// <summary>Removes one memory from the index; run before the row itself is deleted (external content needs the old text).</summary>
        public static void RemoveMemory(SqliteConnection connection, SqliteTransaction transaction, long bucketKey, string bucketId, string memoryId)
        {
            var table = TableName(bucketKey);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"INSERT INTO {table} ({table}, rowid, content) SELECT 'delete', seq, content FROM memories WHERE bucket_id = $bucket AND id = $id;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$id", memoryId);
            command.ExecuteNonQuery();
        }

        public static void RemoveAll(SqliteConnection connection, SqliteTransaction transaction, long bucketKey)
        {
            var table = TableName(bucketKey);
            Execute(connection, transaction, $"INSERT INTO {table} ({table}) VALUES ('delete-all');");
        }

        /// <summary>
        /// The bucket's memories matching <paramref name="matchExpression"/>: best BM25 first, or when not
        /// <paramref name="ranked"/> newest first, each scored <see cref="UnrankedScore"/> (walked in seq order without
        /// BM25, whose idf reads every phrase's whole doclist). An FTS error (a damaged index, an expression FTS5
        /// rejects) is returned, not thrown, so the caller can go on with dense retrieval and report it.
        /// </summary>
        public static LexicalResult Search(SqliteConnection connection, long bucketKey, string matchExpression, int limit, bool ranked = true)
        {
            var table = TableName(bucketKey);
            var hits = new List<LexicalHit>();
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = ranked
                    ? $"SELECT rowid, bm25({table}) FROM {table} WHERE {table} MATCH $query ORDER BY rank LIMIT $limit;"
                    : $"SELECT rowid FROM {table} WHERE {table} MATCH $query ORDER BY rowid DESC LIMIT $limit;";
                command.Parameters.AddWithValue("$query", matchExpression);
                command.Parameters.AddWithValue("$limit", limit);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    hits.Add(new LexicalHit(reader.GetInt64(0), ranked ? -reader.GetDouble(1) : UnrankedScore));
                }
            }
            catch (SqliteException e)
            {
                return new LexicalResult(new List<LexicalHit>(), e.Message);
            }

            return new LexicalResult(hits, null);
        }

        /// <summary>
        /// How many of the bucket's memories match <paramref name="matchExpression"/> (a quoted term, stemmed as
        /// FTS5 stems it, or an expression of them), counting no further than <paramref name="cap"/>. Null when
        /// FTS5 rejects it.
        /// </summary>
        public static int? CountMatches(SqliteConnection connection, long bucketKey, string matchExpression, int cap)
        {
            var table = TableName(bucketKey);
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH $term LIMIT $cap);";
                command.Parameters.AddWithValue("$term", matchExpression);
                command.Parameters.AddWithValue("$cap", cap);
                return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            catch (SqliteException)
            {
                return null;
            }
        }

        private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
