using System.Collections.Generic;
using System.Globalization;
using System.Text;
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
    /// The bucket's memories with the given fact keys (<c>memories.fact_key</c>, schema step 9), oldest first per key,
    /// through the <c>(bucket_id, fact_key)</c> index: every memory a write could merge into has the write's key, so
    /// this replaces the vector search of the dedup check. One statement reads all keys of a chunk (passed as a JSON
    /// array): one statement per key spent 12 % of the writer thread's samples on a 10,000-row default-dedup ingest
    /// in binding, stepping and resetting, mostly for keys that match no row.
    /// </summary>
    internal static class FactKeyLookup
    {
        /// <summary>
        /// Rows read per key. Rows sharing a key state the same identifiers and content words, and under a dedup policy
        /// such rows are merged rather than stored, so a key holds more only with dedup-off repeats or rewordings
        /// the vectors keep apart; the check compares the oldest this many (merges go to the oldest memory).
        /// </summary>
        public const int MaxRowsPerKey = 64;

        // The IN subquery runs once per key and stops after MaxRowsPerKey rows of the index (equal keys are ordered by
        // rowid, which is seq), so a key with many rows costs no more than its first MaxRowsPerKey.
        private static readonly string Sql =
            "SELECT m.fact_key, m.seq, m.id, m.content, m.content_hash, m.embedding FROM json_each($keys) AS k " +
            "JOIN memories AS m ON m.seq IN (SELECT seq FROM memories WHERE bucket_id = $bucket AND fact_key = k.value ORDER BY seq LIMIT " +
            MaxRowsPerKey.ToString(System.Globalization.CultureInfo.InvariantCulture) + ") ORDER BY m.seq;";

        /// <summary>The oldest <see cref="MaxRowsPerKey"/> memories of <paramref name="bucketId"/> with each of <paramref name="keys"/>, in seq order; every key is in the result.</summary>
        public static Dictionary<long, List<KeyedMemory>> Read(SqliteConnection connection, SqliteTransaction? transaction, string bucketId, IReadOnlyCollection<long> keys)
        {
            var found = new Dictionary<long, List<KeyedMemory>>(keys.Count);
            var json = new StringBuilder(2 + (keys.Count * 21)).Append('[');
            foreach (var key in keys)
            {
                if (!found.ContainsKey(key))
                {
                    found[key] = new List<KeyedMemory>();
                    json.Append(found.Count == 1 ? string.Empty : ",").Append(key.ToString(CultureInfo.InvariantCulture));
                }
            }

            if (found.Count == 0)
            {
                return found;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql;
            command.Parameters.AddWithValue("$keys", json.Append(']').ToString());
            command.Parameters.AddWithValue("$bucket", bucketId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                found[reader.GetInt64(0)].Add(new KeyedMemory(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), (byte[])reader.GetValue(4), (byte[])reader.GetValue(5)));
            }

            return found;
        }
    }
}
