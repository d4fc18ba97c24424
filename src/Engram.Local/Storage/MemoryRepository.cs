using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>A memory row without its embedding.</summary>
    internal sealed class MemoryRow
    {
        public long Seq { get; set; }

        public string Id { get; set; } = "";

        public string BucketId { get; set; } = "";

        public string Content { get; set; } = "";

        public int TokenCount { get; set; }

        public string CreatedAt { get; set; } = "";
    }

    /// <summary>SQL for memories (reads and deletes; inserts go through <see cref="MemoryInserter"/>).</summary>
    internal static class MemoryRepository
    {
        /// <summary>The oldest memory of the bucket with exactly this content hash, any dedup policy.</summary>
        public static (string Id, long Seq)? FindByHash(SqliteConnection connection, string bucketId, byte[] hash, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "SELECT id, seq FROM memories WHERE bucket_id = $bucket AND content_hash = $hash ORDER BY seq LIMIT 1;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$hash", hash);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.GetInt64(1)) : ((string, long)?)null;
        }

        public static string? IdOf(SqliteConnection connection, long seq, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT id FROM memories WHERE seq = $seq;";
            command.Parameters.AddWithValue("$seq", seq);
            return command.ExecuteScalar() as string;
        }

        /// <summary>Page of a bucket's memories, newest first, ties newest-inserted first (Q4).</summary>
        public static List<MemoryRow> ListPage(SqliteConnection connection, string bucketId, int limit, int offset)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT seq, id, bucket_id, content, token_count, created_at FROM memories WHERE bucket_id = $bucket " +
                "ORDER BY created_at DESC, seq DESC LIMIT $limit OFFSET $offset;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$limit", limit);
            command.Parameters.AddWithValue("$offset", offset);
            return ReadRows(command);
        }

        /// <summary>
        /// Keyset page for the cursor extension, by <c>seq</c> (insertion order, stable under deletes and
        /// inserts): newest first below <paramref name="beforeSeq"/>.
        /// </summary>
        public static List<MemoryRow> ListBeforeSeq(SqliteConnection connection, string bucketId, long beforeSeq, int limit)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT seq, id, bucket_id, content, token_count, created_at FROM memories WHERE bucket_id = $bucket " +
                "AND seq < $before ORDER BY seq DESC LIMIT $limit;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$before", beforeSeq);
            command.Parameters.AddWithValue("$limit", limit);
            return ReadRows(command);
        }

        /// <summary>Keyset page, oldest first: <c>seq</c> above <paramref name="afterSeq"/> and at most <paramref name="maxSeq"/>.</summary>
        public static List<MemoryRow> ListAfterSeq(SqliteConnection connection, string bucketId, long afterSeq, long maxSeq, int limit)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT seq, id, bucket_id, content, token_count, created_at FROM memories WHERE bucket_id = $bucket " +
                "AND seq > $after AND seq <= $max ORDER BY seq LIMIT $limit;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$max", maxSeq);
            command.Parameters.AddWithValue("$limit", limit);
            return ReadRows(command);
        }

        /// <summary>The highest <c>seq</c> of the bucket (0 when empty): the upper bound of an oldest-first snapshot.</summary>
        public static long MaxSeq(SqliteConnection connection, string bucketId)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM memories WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L);
        }

        public static int Count(SqliteConnection connection, string bucketId)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT memory_count FROM buckets WHERE id = $bucket;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            return Convert.ToInt32(command.ExecuteScalar() ?? 0);
        }

        /// <summary>Deletes one memory and its lexical index entry in one transaction.</summary>
        public static bool Delete(SqliteConnection connection, string bucketId, string memoryId)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var key = BucketRepository.KeyOf(connection, bucketId, transaction);
            if (key == null)
            {
                return false;
            }

            LexicalIndex.RemoveMemory(connection, transaction, key.Value, bucketId, memoryId);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM memories WHERE bucket_id = $bucket AND id = $id;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$id", memoryId);
            var deleted = command.ExecuteNonQuery() > 0;
            transaction.Commit();
            return deleted;
        }

        /// <summary>Deletes every memory of the bucket and empties its lexical index in one transaction.</summary>
        public static int Clear(SqliteConnection connection, string bucketId)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var key = BucketRepository.KeyOf(connection, bucketId, transaction);
            if (key == null)
            {
                return 0;
            }

            LexicalIndex.RemoveAll(connection, transaction, key.Value);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM memories WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            var cleared = command.ExecuteNonQuery();
            transaction.Commit();
            return cleared;
        }

        /// <summary>Streams (seq, embedding) of the bucket's memories with seq above <paramref name="afterSeq"/>, in seq order.</summary>
        /// <remarks>
        /// <paramref name="rowidRange"/>: walk the rowid range after <paramref name="afterSeq"/> instead of the bucket's
        /// equality index, which reads every row of the bucket to find the few after it (the tail of an indexed bucket).
        /// </remarks>
        public static IEnumerable<(long Seq, byte[] Embedding)> ReadVectors(SqliteConnection connection, string bucketId, long afterSeq, SqliteTransaction? transaction = null, bool rowidRange = false)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = rowidRange
                ? "SELECT seq, embedding FROM memories WHERE +bucket_id = $bucket AND seq > $after ORDER BY seq;"
                : "SELECT seq, embedding FROM memories WHERE bucket_id = $bucket AND seq > $after ORDER BY seq;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$after", afterSeq);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return (reader.GetInt64(0), (byte[])reader.GetValue(1));
            }
        }

        public static Dictionary<long, MemoryRow> ReadBySeq(SqliteConnection connection, IReadOnlyCollection<long> seqs, SqliteTransaction? transaction = null)
        {
            var rows = new Dictionary<long, MemoryRow>();
            if (seqs.Count == 0)
            {
                return rows;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // Seqs are integers we produced, so inlining them is safe and saves binding hundreds of parameters.
            command.CommandText =
                "SELECT seq, id, bucket_id, content, token_count, created_at FROM memories WHERE seq IN (" +
                string.Join(",", seqs.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ");";
            foreach (var row in ReadRows(command))
            {
                rows[row.Seq] = row;
            }

            return rows;
        }

        /// <summary>The bucket's most recent contents, newest first (profiler input).</summary>
        public static List<MemoryRow> ReadRecent(SqliteConnection connection, string bucketId, int limit)
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT seq, id, bucket_id, content, token_count, created_at FROM memories WHERE bucket_id = $bucket " +
                "ORDER BY created_at DESC, seq DESC LIMIT $limit;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$limit", limit);
            return ReadRows(command);
        }

        private static List<MemoryRow> ReadRows(SqliteCommand command)
        {
            var rows = new List<MemoryRow>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new MemoryRow
                {
                    Seq = reader.GetInt64(0),
                    Id = reader.GetString(1),
                    BucketId = reader.GetString(2),
                    Content = reader.GetString(3),
                    TokenCount = reader.GetInt32(4),
                    CreatedAt = reader.GetString(5),
                });
            }

            return rows;
        }
    }
}
