using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>What the database records about one bucket's approximate vector index.</summary>
    internal sealed class VectorIndexRecord
    {
        /// <summary>The saved index file's name (in the database's index folder), or null before the first save.</summary>
        public string? File { get; set; }

        /// <summary>The file holds every row of the bucket with a seq up to this that existed when it was saved.</summary>
        public long MaxSeq { get; set; }

        /// <summary>The last <c>vector_index_deletions</c> id the file has applied.</summary>
        public long Deletion { get; set; }

        /// <summary>The embedder identity key the vectors were made with.</summary>
        public string Embedder { get; set; } = string.Empty;
    }

    /// <summary>
    /// SQL of the approximate vector indexes (<c>vector_indexes</c>, <c>vector_index_deletions</c>, schema step 6).
    /// Registering a bucket makes the delete trigger log its deletions from then on, so any process holding a copy
    /// of the index (or a saved file) can remove exactly the rows deleted since its copy was made.
    /// </summary>
    internal static class VectorIndexStore
    {
        // What a VectorIndexRecord holds, in the order ReadRecord reads it.
        private const string RecordColumns = "file, max_seq, deletion, embedder";

        public static VectorIndexRecord? Find(SqliteConnection connection, string bucketId, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT " + RecordColumns + " FROM vector_indexes WHERE bucket_id = $bucket;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader, 0) : null;
        }

        /// <summary>The buckets whose index was saved with vectors of <paramref name="embedder"/>, with what each file holds.</summary>
        public static List<(string BucketId, VectorIndexRecord Record)> FindSaved(SqliteConnection connection, string embedder)
        {
            var saved = new List<(string, VectorIndexRecord)>();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT bucket_id, " + RecordColumns + " FROM vector_indexes WHERE file IS NOT NULL AND embedder = $embedder;";
            command.Parameters.AddWithValue("$embedder", embedder);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                saved.Add((reader.GetString(0), ReadRecord(reader, 1)));
            }

            return saved;
        }

        private static VectorIndexRecord ReadRecord(SqliteDataReader reader, int first) => new VectorIndexRecord
        {
            File = reader.IsDBNull(first) ? null : reader.GetString(first),
            MaxSeq = reader.GetInt64(first + 1),
            Deletion = reader.GetInt64(first + 2),
            Embedder = reader.GetString(first + 3),
        };

        /// <summary>Starts logging the bucket's deletions (idempotent); returns the last deletion id logged so far.</summary>
        public static long Register(SqliteConnection connection, string bucketId, string embedder)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText =
                    "INSERT INTO vector_indexes (bucket_id, embedder) SELECT $bucket, $embedder WHERE EXISTS (SELECT 1 FROM buckets WHERE id = $bucket) " +
                    "ON CONFLICT (bucket_id) DO NOTHING;";
                command.Parameters.AddWithValue("$bucket", bucketId);
                command.Parameters.AddWithValue("$embedder", embedder);
                command.ExecuteNonQuery();
            }

            var mark = LastDeletion(connection, transaction);
            transaction.Commit();
            return mark;
        }

        /// <summary>
        /// Points the record at a newly saved file when it is newer than the one recorded, or covers as much and the
        /// record still names <paramref name="replacing"/> (the same rows saved in a newer format); returns the file it
        /// replaced (to delete), or the new file itself when it lost (another process saved a newer one).
        /// </summary>
        public static string? RecordSaved(SqliteConnection connection, string bucketId, string file, long maxSeq, long deletion, string? replacing = null)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var current = Find(connection, bucketId, transaction);
            if (current == null || (current.File != null && current.File != replacing && current.MaxSeq >= maxSeq && current.Deletion >= deletion))
            {
                transaction.Commit();
                return file;
            }

            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "UPDATE vector_indexes SET file = $file, max_seq = $max, deletion = $deletion WHERE bucket_id = $bucket;";
                command.Parameters.AddWithValue("$bucket", bucketId);
                command.Parameters.AddWithValue("$file", file);
                command.Parameters.AddWithValue("$max", maxSeq);
                command.Parameters.AddWithValue("$deletion", deletion);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return current.File;
        }

        /// <summary>Deleted seqs of the bucket logged after <paramref name="afterId"/>, and the last id read.</summary>
        public static (List<long> Seqs, long LastId) DeletionsSince(SqliteConnection connection, string bucketId, long afterId, SqliteTransaction? transaction = null)
        {
            var seqs = new List<long>();
            var last = afterId;
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT id, seq FROM vector_index_deletions WHERE bucket_id = $bucket AND id > $after ORDER BY id;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$after", afterId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                seqs.Add(reader.GetInt64(1));
            }

            return (seqs, last);
        }

        /// <summary>Up to <paramref name="limit"/> vectors of the bucket with seq above <paramref name="afterSeq"/>, ascending.</summary>
        public static List<(long Seq, byte[] Embedding)> ReadVectorChunk(SqliteConnection connection, string bucketId, long afterSeq, int limit, SqliteTransaction? transaction = null)
        {
            var rows = new List<(long, byte[])>(limit);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // "+bucket_id" keeps the planner on the rowid range: with the bucket's equality index (ux_memories_bucket_hash)
            // every chunk read and sorted the whole bucket, so building a 924,109-row bucket's index was quadratic (66 GB
            // read in 7 CPU-minutes for the first ~150,000 rows). Chunks walk forward, so the rows of other buckets
            // skipped on the way add up to one pass over the file.
            command.CommandText = "SELECT seq, embedding FROM memories WHERE +bucket_id = $bucket AND seq > $after ORDER BY seq LIMIT $limit;";
            command.Parameters.AddWithValue("$bucket", bucketId);
            command.Parameters.AddWithValue("$after", afterSeq);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }

            return rows;
        }

        /// <summary>The stored vectors of the given memories (deleted ones are simply absent).</summary>
        public static List<(long Seq, byte[] Embedding)> ReadVectorsBySeq(SqliteConnection connection, IReadOnlyCollection<long> seqs)
        {
            var rows = new List<(long, byte[])>(seqs.Count);
            if (seqs.Count == 0)
            {
                return rows;
            }

            using var command = connection.CreateCommand();
            // Seqs are integers we produced, so inlining them is safe and saves binding hundreds of parameters.
            var list = new System.Text.StringBuilder();
            foreach (var seq in seqs)
            {
                if (list.Length > 0)
                {
                    list.Append(',');
                }

                list.Append(seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            command.CommandText = "SELECT seq, embedding FROM memories WHERE seq IN (" + list + ");";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }

            return rows;
        }

        private static long LastDeletion(SqliteConnection connection, SqliteTransaction transaction)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT COALESCE(MAX(id), 0) FROM vector_index_deletions;";
            return (long)command.ExecuteScalar()!;
        }
    }
}
