using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>
    /// Opens connections to the engine's one SQLite file (or a shared-cache in-memory database).
    ///
    /// Durability: WAL with synchronous=NORMAL. A commit is appended to the WAL with write() before it
    /// returns, so it lives in the OS page cache and survives the process being killed; only an OS crash
    /// or power loss can drop the last commits (FULL would fsync each commit, costing bulk ingest far more
    /// than that risk is worth for a local memory store). Several processes share the file through WAL
    /// and busy_timeout; nothing cached in memory is trusted without checking a counter in the file.
    /// </summary>
    internal sealed class SqliteDatabase : IDisposable
    {
        private const int BusyTimeoutMilliseconds = 10_000;
        private readonly string _connectionString;
        private SqliteConnection? _keepAlive;
        private bool _disposed;

        private SqliteDatabase(string connectionString, string? path, SqliteConnection? keepAlive)
        {
            _connectionString = connectionString;
            FilePath = path;
            _keepAlive = keepAlive;
        }

        /// <summary>The database file; null for an in-memory database.</summary>
        public string? FilePath { get; }

        /// <summary>Whether opening ran <c>PRAGMA quick_check</c> (false: unchanged since a clean close, or in memory).</summary>
        public bool Checked { get; private set; }

        public static SqliteDatabase OpenFile(string path)
        {
            SqliteNativeLoader.EnsureInitialized();
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                throw StorageFaults.IsFolder(full);
            }

            try
            {
                var folder = Path.GetDirectoryName(full);
                if (!string.IsNullOrEmpty(folder))
                {
                    StorageFaults.CreatePrivateFolder(folder);
                }

                StorageFaults.CreatePrivateFile(full);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw StorageFaults.CannotCreate(full, ex);
            }

            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                ForeignKeys = true,
                Pooling = true,
                DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            };
            var database = new SqliteDatabase(builder.ToString(), full, null);
            try
            {
                using (var connection = database.OpenConnection())
                {
                    // journal_mode is stored in the file: set once, every later connection (any process) uses WAL.
                    Execute(connection, "PRAGMA journal_mode = WAL;");
                    // A damaged file is refused here, with its path, instead of failing requests later.
                    // quick_check skips index cross-checks but still reads every page (~3 ms per MB here), so
                    // it is skipped for a file unchanged since a clean close (see CleanCloseStamp).
                    database.Checked = !CleanCloseStamp.Matches(full);
                    if (database.Checked)
                    {
                        var check = QuickCheck(connection);
                        if (check != "ok")
                        {
                            throw StorageFaults.Damaged(full, check);
                        }
                    }

                    SchemaMigrations.Migrate(connection);
                }
            }
            catch (SqliteException ex)
            {
                database.Dispose();
                throw StorageFaults.CannotOpen(full, ex);
            }
            catch
            {
                database.Dispose();
                throw;
            }

            return database;
        }

        public static SqliteDatabase OpenInMemory()
        {
            SqliteNativeLoader.EnsureInitialized();
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = "engram-" + Guid.NewGuid().ToString("N"),
                Mode = SqliteOpenMode.Memory,
                Cache = SqliteCacheMode.Shared,
                ForeignKeys = true,
                Pooling = true,
                DefaultTimeout = BusyTimeoutMilliseconds / 1000,
            };

            // A shared-cache in-memory database lives while one connection to it is open.
            var keepAlive = new SqliteConnection(builder.ToString());
            keepAlive.Open();
            var database = new SqliteDatabase(builder.ToString(), null, keepAlive);
            using (var connection = database.OpenConnection())
            {
                SchemaMigrations.Migrate(connection);
            }

            return database;
        }

        private static string QuickCheck(SqliteConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(1);";
            return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "no answer";
        }

        /// <summary>Opens a (pooled) connection with the per-connection settings applied.</summary>
        public SqliteConnection OpenConnection()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(SqliteDatabase));
            }

            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 4000;");
            return connection;
        }

        public static void Execute(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            // Release pooled handles so the file can be moved or deleted once the engine is gone.
            using (var probe = new SqliteConnection(_connectionString))
            {
                SqliteConnection.ClearPool(probe);
            }

            if (FilePath != null)
            {
                CleanCloseStamp.Record(FilePath);
            }

            _keepAlive?.Dispose();
            _keepAlive = null;
        }
    }
}
