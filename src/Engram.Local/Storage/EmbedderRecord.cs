using System;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>What the database's meta table says about the embedder that made its vectors.</summary>
    internal sealed class StoredEmbedder
    {
        public StoredEmbedder(string? identity, int? dimensions, string? reembedTarget)
        {
            Identity = identity;
            Dimensions = dimensions;
            ReembedTarget = reembedTarget;
        }

        /// <summary>provider/model/dimensions; null in a database written before identities were recorded.</summary>
        public string? Identity { get; }

        public int? Dimensions { get; }

        /// <summary>The identity a started, unfinished re-embed is moving to, or null.</summary>
        public string? ReembedTarget { get; }
    }

    /// <summary>SQL for the embedder identity in the meta table.</summary>
    internal static class EmbedderRecord
    {
        public const string IdentityKey = "embedder_identity";
        public const string DimensionsKey = "embedding_dimensions";
        public const string ReembedTargetKey = "reembed_target";
        public const string ReembedDimensionsKey = "reembed_dimensions";

        /// <summary>
        /// Records <paramref name="identity"/> as the database's embedder when it has none yet (a new file, or
        /// one written before identities were recorded whose dimensions match), then returns what is stored.
        /// One write transaction, so two processes creating a file at once agree on one embedder.
        /// </summary>
        public static StoredEmbedder Claim(SqliteConnection connection, string identity, int dimensions)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var before = Read(connection, transaction);
            if (before.Dimensions == null)
            {
                Write(connection, transaction, DimensionsKey, dimensions.ToString(CultureInfo.InvariantCulture));
            }

            if (before.Identity == null && (before.Dimensions == null || before.Dimensions == dimensions))
            {
                Write(connection, transaction, IdentityKey, identity);
            }

            var after = Read(connection, transaction);
            transaction.Commit();
            return after;
        }

        public static StoredEmbedder Read(SqliteConnection connection, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT key, value FROM meta WHERE key IN ($identity, $dimensions, $target);";
            command.Parameters.AddWithValue("$identity", IdentityKey);
            command.Parameters.AddWithValue("$dimensions", DimensionsKey);
            command.Parameters.AddWithValue("$target", ReembedTargetKey);
            string? identity = null, target = null;
            int? dims = null;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var value = reader.GetString(1);
                switch (reader.GetString(0))
                {
                    case IdentityKey:
                        identity = value;
                        break;
                    case DimensionsKey:
                        dims = int.Parse(value, CultureInfo.InvariantCulture);
                        break;
                    default:
                        target = value;
                        break;
                }
            }

            return new StoredEmbedder(identity, dims, target);
        }

        public static void Write(SqliteConnection connection, SqliteTransaction? transaction, string key, string value)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }

        public static void Remove(SqliteConnection connection, SqliteTransaction? transaction, string key)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM meta WHERE key = $key;";
            command.Parameters.AddWithValue("$key", key);
            command.ExecuteNonQuery();
        }
    }
}
