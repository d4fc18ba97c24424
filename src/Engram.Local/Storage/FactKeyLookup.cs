using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>A memory with a given fact key, as the dedup check reads it: enough to compare and to merge into.</summary>
    internal sealed class KeyedMemory
    {
        public KeyedMemory(long seq, string id, string content, byte[] contentHash, byte[] embedding)
        {
            Seq = seq;
            Id = id;
            Content = content;
            ContentHash = contentHash;
            Embedding = embedding;
        }

        public long Seq { get; }

        public string Id { get; }

        public string Content { get; }

        public byte[] ContentHash { get; }

        public byte[] Embedding { get; }
    }

    /// <summary>
    /// The bucket's memories with one fact key (<c>memories.fact_key</c>, schema step 9), oldest first, through one
    /// statement prepared per store and the <c>(bucket_id, fact_key)</c> index: every memory a write could merge into
    /// has the write's key, so this replaces the vector search of the dedup check. Most keys of a fresh write match no
    /// row, and a lookup that finds none costs an index probe.
    /// </summary>
    internal sealed class FactKeyLookup : IDisposable
    {
        /// <summary>
        /// Rows read per key. Rows sharing a key state the same identifiers and content words, and under a dedup policy
        /// such rows are merged rather than stored, so a key holds more only with dedup-off repeats or rewordings
        /// the vectors keep apart; the check compares the oldest this many (merges go to the oldest memory).
        /// </summary>
        public const int MaxRowsPerKey = 64;

        private readonly SqliteCommand _command;

        public FactKeyLookup(SqliteConnection connection, SqliteTransaction? transaction, string bucketId)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            // The index orders equal keys by rowid (seq), so "ORDER BY seq LIMIT" walks it without sorting.
            _command.CommandText =
                "SELECT seq, id, content, content_hash, embedding FROM memories WHERE bucket_id = $bucket AND fact_key = $key ORDER BY seq LIMIT " +
                MaxRowsPerKey.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
            _command.Parameters.AddWithValue("$bucket", bucketId);
            _command.Parameters.Add(new SqliteParameter { ParameterName = "$key" });
            _command.Prepare();
        }

        /// <summary>The oldest <see cref="MaxRowsPerKey"/> memories with <paramref name="key"/>, in seq order.</summary>
        public List<KeyedMemory> Read(long key)
        {
            _command.Parameters[1].Value = key;
            var rows = new List<KeyedMemory>();
            using var reader = _command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new KeyedMemory(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), (byte[])reader.GetValue(4)));
            }

            return rows;
        }

        public void Dispose() => _command.Dispose();
    }
}
