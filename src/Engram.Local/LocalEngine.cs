using System;
using System.IO;
using System.Runtime.InteropServices;
using Engram.Local.Retrieval;
using Engram.Local.Storage;

namespace Engram.Local
{
    /// <summary>
    /// The embedded Engram engine: one SQLite file holding every tenant and bucket, an embedder, and the
    /// in-memory vector cache. Open it once and hand out <see cref="ForTenant"/> services; several
    /// engines (also in other processes) may share one file.
    /// </summary>
    public sealed class LocalEngine : IDisposable
    {
        public const string DefaultTenant = "local";

        private const string MetaDimensions = "embedding_dimensions";
        private bool _disposed;

        private LocalEngine(LocalEngineOptions options, SqliteDatabase database, IEmbedder embedder)
        {
            Options = options;
            Database = database;
            Embedder = embedder;
            Vectors = new VectorCache(embedder.Dimensions);
        }

        /// <summary>
        /// The database used when no path is given: the user's data folder (LocalApplicationData; on Linux
        /// $XDG_DATA_HOME or ~/.local/share) + Lumetra/Engram/engram.db.
        /// </summary>
        public static string DefaultDatabasePath => System.IO.Path.Combine(UserDataFolder(), "Lumetra", "Engram", "engram.db");

        /// <summary>The open file, or null for an in-memory engine.</summary>
        public string? DatabasePath => Database.FilePath;

        internal LocalEngineOptions Options { get; }

        internal SqliteDatabase Database { get; }

        internal IEmbedder Embedder { get; }

        internal VectorCache Vectors { get; }

        /// <summary>Test seam: runs in a single store after the dedup checks and before the insert.</summary>
        internal Action? BeforeInsertHook { get; set; }

        public static LocalEngine Open(LocalEngineOptions? options = null)
        {
            options ??= new LocalEngineOptions();
            var embedder = options.Embedder ?? new HashingEmbedder();
            var database = options.InMemory
                ? SqliteDatabase.OpenInMemory()
                : SqliteDatabase.OpenFile(string.IsNullOrEmpty(options.Path) ? DefaultDatabasePath : options.Path!);
            try
            {
                CheckEmbedderMatchesDatabase(database, embedder);
            }
            catch
            {
                database.Dispose();
                throw;
            }

            return new LocalEngine(options, database, embedder);
        }

        /// <summary>A service scoped to one tenant. Cheap; disposing it leaves the engine open.</summary>
        public LocalEngramService ForTenant(string tenantId)
        {
            if (string.IsNullOrWhiteSpace(tenantId))
            {
                throw new ArgumentException("A tenant id is required.", nameof(tenantId));
            }

            ThrowIfDisposed();
            return new LocalEngramService(this, tenantId);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Database.Dispose();
        }

        internal void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(LocalEngine));
            }
        }

        private static void CheckEmbedderMatchesDatabase(SqliteDatabase database, IEmbedder embedder)
        {
            using var connection = database.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO NOTHING; " +
                "SELECT value FROM meta WHERE key = $key;";
            command.Parameters.AddWithValue("$key", MetaDimensions);
            command.Parameters.AddWithValue("$value", embedder.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var stored = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (stored != embedder.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException(
                    $"The database {database.FilePath ?? "(in memory)"} holds {stored}-dimensional embeddings but the embedder makes {embedder.Dimensions}. " +
                    "Open it with the embedder it was created with, or use another file.");
            }
        }

        private static string UserDataFolder()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
                if (!string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg))
                {
                    return xdg;
                }
            }

            var folder = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            if (string.IsNullOrEmpty(folder))
            {
                var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                folder = System.IO.Path.Combine(home, ".local", "share");
            }

            return folder;
        }
    }
}
