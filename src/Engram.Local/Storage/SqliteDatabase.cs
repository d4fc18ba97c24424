using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>
    /// Opens connections to the engine's one SQLite file (or, for a throw-away engine, a private scratch file).
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
        private readonly string? _scratchFolder;
        private bool _disposed;

        private SqliteDatabase(string connectionString, string? path, string? scratchFolder)
        {
            _connectionString = connectionString;
            FilePath = path;
            _scratchFolder = scratchFolder;
        }

        /// <summary>The database file; null for an in-memory (throw-away) database.</summary>
        public string? FilePath { get; }

        /// <summary>Whether opening ran <c>PRAGMA quick_check</c> (false: unchanged since a clean close).</summary>
        public bool Checked { get; private set; }

        public static SqliteDatabase OpenFile(string path) => Open(path, null);

        /// <summary>
        /// A throw-away database: a WAL file in a private (0700) scratch folder under the temp folder, removed when
        /// the engine is disposed. Not SQLite's shared-cache in-memory database, whose table and schema locks are a
        /// second concurrency model beside WAL's: while a new bucket's lexical table was being created, no other
        /// connection could even prepare a statement ("database schema is locked"; SQLitePCL turned some of those
        /// into ArgumentOutOfRangeException), so concurrent first writes to new buckets failed with a 500. Nor
        /// SQLite's memdb: it makes readers wait for every writer, and a query holding the vector cache's bucket
        /// lock then deadlocks with a batch waiting for it inside its write transaction. A scratch file behaves
        /// exactly like the engine's real file: readers never wait, one writer at a time.
        /// </summary>
        public static SqliteDatabase OpenInMemory()
        {
            var folder = Path.Combine(Path.GetTempPath(), "engram-scratch-" + Guid.NewGuid().ToString("N"));
            try
            {
                StorageFaults.CreatePrivateFolder(folder);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw StorageFaults.CannotCreate(folder, ex);
            }

            try
            {
                return Open(Path.Combine(folder, "engram.db"), folder);
            }
            catch
            {
                DeleteScratch(folder);
                throw;
            }
        }

        private static SqliteDatabase Open(string path, string? scratchFolder)
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
            var database = new SqliteDatabase(builder.ToString(), scratchFolder == null ? full : null, scratchFolder);
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

            if (_scratchFolder != null)
            {
                DeleteScratch(_scratchFolder);
            }
        }

        private static void DeleteScratch(string folder)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // A handle still open elsewhere (Windows); the temp folder's cleaner gets it.
            }
        }
    }
}
