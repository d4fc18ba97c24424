using System;
using System.Collections.Generic;
using Engram.Local.Text;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>A bucket row as stored.</summary>
    internal sealed class BucketRow
    {
        /// <summary>The row's integer key: names the bucket's lexical index (<see cref="LexicalIndex.TableName"/>).</summary>
        public long Key { get; set; }

        public string Id { get; set; } = "";

        public string Tenant { get; set; } = "";

        public string Name { get; set; } = "";

        public string? Description { get; set; }

        public string CreatedAt { get; set; } = "";

        public int MemoryCount { get; set; }

        public long ChangeVersion { get; set; }

        public long DeleteEpoch { get; set; }
    }

    /// <summary>SQL for buckets. Every statement filters by tenant: tenants never see each other's data.</summary>
    internal static class BucketRepository
    {
        private const string Columns = "rowid, id, tenant, name, description, created_at, memory_count, change_version, delete_epoch";

        public static BucketRow? Find(SqliteConnection connection, string tenant, string name, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT {Columns} FROM buckets WHERE tenant = $tenant AND name = $name;";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", name);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }

        public static List<BucketRow> List(SqliteConnection connection, string tenant)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM buckets WHERE tenant = $tenant ORDER BY created_at ASC, name ASC;";
            command.Parameters.AddWithValue("$tenant", tenant);
            var rows = new List<BucketRow>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(Read(reader));
            }

            return rows;
        }

        /// <summary>Inserts the bucket and its lexical index in one transaction; returns null when the tenant already has one by that name.</summary>
        public static BucketRow? TryCreate(SqliteConnection connection, string tenant, string name, string? description)
        {
            var row = new BucketRow
            {
                Id = Guid.NewGuid().ToString(),
                Tenant = tenant,
                Name = name,
                Description = description,
                CreatedAt = Timestamps.Now(),
            };
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "INSERT INTO buckets (id, tenant, name, description, created_at) VALUES ($id, $tenant, $name, $description, $created) " +
                "ON CONFLICT (tenant, name) DO NOTHING RETURNING rowid;";
            command.Parameters.AddWithValue("$id", row.Id);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$description", (object?)description ?? DBNull.Value);
            command.Parameters.AddWithValue("$created", row.CreatedAt);
            var key = command.ExecuteScalar();
            if (key == null)
            {
                return null;
            }

            row.Key = Convert.ToInt64(key, System.Globalization.CultureInfo.InvariantCulture);
            LexicalIndex.Create(connection, transaction, row.Key);
            transaction.Commit();
            return row;
        }

        /// <summary>The bucket, created when missing (auto-create on store, wire spec §17 Q8/Q10).</summary>
        public static BucketRow Ensure(SqliteConnection connection, string tenant, string name)
        {
            return Find(connection, tenant, name)
                ?? TryCreate(connection, tenant, name, null)
                ?? Find(connection, tenant, name)
                ?? throw new InvalidOperationException("The bucket vanished while it was being created; try again.");
        }

        /// <summary>Deletes the bucket, its memories (cascade) and its lexical index in one transaction.</summary>
        public static bool Delete(SqliteConnection connection, string tenant, string name)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var row = Find(connection, tenant, name, transaction);
            if (row == null)
            {
                return false;
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM buckets WHERE id = $id;";
            command.Parameters.AddWithValue("$id", row.Id);
            command.ExecuteNonQuery();
            LexicalIndex.Drop(connection, transaction, row.Key);
            transaction.Commit();
            return true;
        }

        /// <summary>The bucket's integer key (see <see cref="BucketRow.Key"/>), or null when it is gone.</summary>
        public static long? KeyOf(SqliteConnection connection, string bucketId, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT rowid FROM buckets WHERE id = $id;";
            command.Parameters.AddWithValue("$id", bucketId);
            var value = command.ExecuteScalar();
            return value == null ? (long?)null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>(key, id) of every bucket of every tenant (migrations).</summary>
        public static List<(long Key, string Id)> AllKeys(SqliteConnection connection, SqliteTransaction? transaction)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT rowid, id FROM buckets ORDER BY rowid;";
            var keys = new List<(long, string)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                keys.Add((reader.GetInt64(0), reader.GetString(1)));
            }

            return keys;
        }

        /// <summary>The counters that tell a cache whether the bucket's memories changed; null when the bucket is gone.</summary>
        public static (long ChangeVersion, long DeleteEpoch)? ReadCounters(SqliteConnection connection, string bucketId, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT change_version, delete_epoch FROM buckets WHERE id = $id;";
            command.Parameters.AddWithValue("$id", bucketId);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        private static BucketRow Read(SqliteDataReader reader) => new BucketRow
        {
            Key = reader.GetInt64(0),
            Id = reader.GetString(1),
            Tenant = reader.GetString(2),
            Name = reader.GetString(3),
            Description = reader.IsDBNull(4) ? null : reader.GetString(4),
            CreatedAt = reader.GetString(5),
            MemoryCount = reader.GetInt32(6),
            ChangeVersion = reader.GetInt64(7),
            DeleteEpoch = reader.GetInt64(8),
        };
    }
}
