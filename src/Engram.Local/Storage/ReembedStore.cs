using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>
    /// SQL of a re-embed: new vectors wait in <c>reembed_vectors</c> (keyed by seq; the target embedder is
    /// recorded in meta) while the live ones stay untouched, and <see cref="SwitchOver"/> moves them in with
    /// the new identity in one transaction. Every batch is its own commit, so a killed re-embed keeps what it
    /// did and the store stays usable with the old embedder meanwhile.
    /// </summary>
    internal static class ReembedStore
    {
        /// <summary>Starts (or resumes) a re-embed to <paramref name="identity"/>; returns how many vectors it already has.</summary>
        public static int Begin(SqliteConnection connection, string identity, int dimensions)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var stored = EmbedderRecord.Read(connection, transaction);
            if (stored.ReembedTarget != identity)
            {
                Execute(connection, transaction, "DELETE FROM reembed_vectors;");
                EmbedderRecord.Write(connection, transaction, EmbedderRecord.ReembedTargetKey, identity);
                EmbedderRecord.Write(connection, transaction, EmbedderRecord.ReembedDimensionsKey, dimensions.ToString(CultureInfo.InvariantCulture));
            }

            var done = Count(connection, transaction, "SELECT count(*) FROM reembed_vectors;");
            transaction.Commit();
            return done;
        }

        public static int CountMemories(SqliteConnection connection) => Count(connection, null, "SELECT count(*) FROM memories;");

        /// <summary>Up to <paramref name="limit"/> memories (seq above <paramref name="afterSeq"/>) that have no new vector yet, in seq order.</summary>
        public static List<(long Seq, string Content)> Pending(SqliteConnection connection, SqliteTransaction? transaction, long afterSeq, int limit)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "SELECT m.seq, m.content FROM memories m WHERE m.seq > $after " +
                "AND NOT EXISTS (SELECT 1 FROM reembed_vectors r WHERE r.seq = m.seq) ORDER BY m.seq LIMIT $limit;";
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", limit);
            var rows = new List<(long, string)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1)));
            }

            return rows;
        }

        /// <summary>Saves new vectors (one transaction, or the caller's).</summary>
        public static void Save(SqliteConnection connection, SqliteTransaction? transaction, IReadOnlyList<(long Seq, byte[] Embedding)> vectors)
        {
            var own = transaction == null ? connection.BeginTransaction(deferred: false) : null;
            try
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction ?? own;
                // A memory deleted meanwhile has no row to point at: skip it instead of failing the batch.
                command.CommandText =
                    "INSERT OR REPLACE INTO reembed_vectors (seq, embedding) SELECT $seq, $embedding WHERE EXISTS (SELECT 1 FROM memories WHERE seq = $seq);";
                var seq = command.Parameters.Add("$seq", SqliteType.Integer);
                var embedding = command.Parameters.Add("$embedding", SqliteType.Blob);
                command.Prepare();
                foreach (var (s, e) in vectors)
                {
                    seq.Value = s;
                    embedding.Value = e;
                    command.ExecuteNonQuery();
                }

                own?.Commit();
            }
            finally
            {
                own?.Dispose();
            }
        }

        /// <summary>
        /// Inside the caller's write transaction: every memory takes its new vector, the database records the new
        /// embedder, the side table empties, and every bucket's counters move so every process's vector cache
        /// reloads. The caller has made sure no memory lacks a new vector.
        /// </summary>
        public static void SwitchOver(SqliteConnection connection, SqliteTransaction transaction, string identity, int dimensions)
        {
            Execute(connection, transaction,
                "UPDATE memories SET embedding = (SELECT r.embedding FROM reembed_vectors r WHERE r.seq = memories.seq);" +
                "DELETE FROM reembed_vectors;" +
                "UPDATE buckets SET change_version = change_version + 1, delete_epoch = delete_epoch + 1;");
            EmbedderRecord.Write(connection, transaction, EmbedderRecord.IdentityKey, identity);
            EmbedderRecord.Write(connection, transaction, EmbedderRecord.DimensionsKey, dimensions.ToString(CultureInfo.InvariantCulture));
            EmbedderRecord.Remove(connection, transaction, EmbedderRecord.ReembedTargetKey);
            EmbedderRecord.Remove(connection, transaction, EmbedderRecord.ReembedDimensionsKey);
        }

        private static int Count(SqliteConnection connection, SqliteTransaction? transaction, string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
