using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local.Embedding;
using Engram.Local.Maintenance;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Engram.Local.Validation;

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

        /// <summary>The command that rebuilds a database's vectors with another embedder (named in errors).</summary>
        public const string ReembedCommand = "Update-EngramIndex";

        private bool _disposed;

        private LocalEngine(LocalEngineOptions options, SqliteDatabase database, EngineEmbedder embedder)
        {
            Options = options;
            Database = database;
            Embedder = embedder;
            Calibration = EmbedderCalibration.For(embedder.Identity);
            Fusion = Calibration.Fusion;
            Vectors = new VectorCache(
                embedder.Dimensions,
                new VectorIndexSet(
                    database,
                    embedder.Dimensions,
                    embedder.Identity.Key,
                    options.VectorIndexMinimum ?? VectorIndexSet.MinimumBucketSize,
                    coded: embedder.Identity.ProviderName == HashingEmbedder.ProviderName));
            // The saved coded tables are read in the background from now on: the first query rarely waits for them.
            Vectors.Indexes!.Preload();
            Conflicts = options.ChatClient != null && options.ResolveConflicts // byok
                ? new Dedup.ConflictResolver(options.ChatClient, Calibration.NearDuplicate)
                : null;
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

        internal EngineEmbedder Embedder { get; }

        /// <summary>Fusion knobs (tuning seam; the defaults are the tuned values).</summary>
        internal FusionSettings Fusion { get; set; }

        /// <summary>
        /// Whether a query's lexical search runs on another thread while the model embeds the question (the default);
        /// false runs it after, inline. A seam for the benchmark's side-by-side measure, not a setting.
        /// </summary>
        internal bool LexicalBesideEmbedding { get; set; } = true;

        /// <summary>The embedder's similarity thresholds (dedup, near-duplicates).</summary>
        internal EmbedderCalibration Calibration { get; }

        internal VectorCache Vectors { get; }

        /// <summary>The model's judge of near-duplicate writes (BYOK); null without a chat client.</summary>
        internal Dedup.ConflictResolver? Conflicts { get; }

        /// <summary>
        /// One store transaction at a time per engine (<see cref="Ingest.MemoryIngestor"/>). Concurrent writers of
        /// one process (Add-EngramMemory keeps four batches in flight over HTTP) queue here and are handed over at
        /// once, instead of waiting in SQLite's busy handler, which sleeps in steps of up to 100 ms. Measured on
        /// the loaded 2-core machine, 5 000 rows, default dedup: HTTP ÷ in-process 43 % → 56 %. Other processes
        /// still meet at the file lock (busy_timeout).
        /// </summary>
        internal System.Threading.SemaphoreSlim StoreGate { get; } = new System.Threading.SemaphoreSlim(1, 1);

        /// <summary>Test seam: runs in a single store after the dedup checks and before the insert.</summary>
        internal Action? BeforeInsertHook { get; set; }

        /// <summary>Test hook: runs before each batch transaction of a store-many call.</summary>
        internal Action? BeforeBatchHook { get; set; }

        /// <summary>Test hook: runs inside a batch transaction before each chunk after its first is written.</summary>
        internal Action? BeforeFurtherChunkHook { get; set; }

        public static LocalEngine Open(LocalEngineOptions? options = null)
        {
            options ??= new LocalEngineOptions();
            var embedder = EngineEmbedder.Create(options.Embedder ?? new HashingEmbedder());
            var database = OpenDatabase(options);
            try
            {
                CheckEmbedderMatchesDatabase(database, embedder.Identity);
            }
            catch
            {
                database.Dispose();
                throw;
            }

            return new LocalEngine(options, database, embedder);
        }

        /// <summary>
        /// Rebuilds every vector of the database at <paramref name="options"/> with <paramref name="options"/>'s
        /// embedder (what <c>Update-EngramIndex</c> runs), so it can then be opened with that embedder. Batches of
        /// <see cref="ReembedOptions.BatchSize"/>, one generator call and one commit each; the new vectors wait
        /// beside the live ones and replace them in one transaction at the end. Killed or cancelled midway, it
        /// loses nothing: the database still opens with its old embedder, and running this again resumes.
        /// Other engines on the file must be closed before the switch-over, or they refuse writes afterwards.
        /// </summary>
        public static async Task<ReembedResult> ReembedAsync(LocalEngineOptions options, ReembedOptions? reembed = null, CancellationToken cancellationToken = default)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            reembed ??= new ReembedOptions();
            if (reembed.BatchSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(reembed), reembed.BatchSize, "BatchSize must be at least 1.");
            }

            var embedder = EngineEmbedder.Create(options.Embedder ?? new HashingEmbedder());
            using var database = OpenDatabase(options);
            return await Reembedder.RunAsync(database, embedder, reembed, cancellationToken).ConfigureAwait(false);
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
            Vectors.Indexes?.Dispose();
            Database.Dispose();
        }

        /// <summary>
        /// Waits until the approximate vector indexes of large buckets have caught up with what was committed when
        /// they were last asked to (they build on a background thread; queries meanwhile scan exactly what is not
        /// indexed yet), and the saved indexes the engine reads from its opening on are read. For benchmarks and tools
        /// that want the steady state before measuring.
        /// </summary>
        public void WaitForVectorIndexes(CancellationToken cancellationToken = default)
        {
            ThrowIfDisposed();
            Vectors.Indexes?.WaitIdle(cancellationToken);
        }

        internal void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(LocalEngine));
            }
        }

        /// <summary>
        /// Refuses to go on when the database's vectors were re-embedded by another process since this engine
        /// opened it: its vectors would no longer be comparable with this engine's. One indexed read.
        /// </summary>
        internal void EnsureEmbedderStillMatches(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction? transaction = null)
        {
            var stored = EmbedderRecord.Read(connection, transaction);
            if (stored.Identity != Embedder.Identity.Key || stored.Dimensions != Embedder.Dimensions)
            {
                throw EngineErrors.WrongEmbedder(
                    $"The database {Database.FilePath ?? "(in memory)"} was re-embedded with '{stored.Identity}' while this engine had it open with '{Embedder.Identity.Key}'. Reopen it with that embedder.");
            }
        }

        internal static SqliteDatabase OpenDatabase(LocalEngineOptions options) =>
            options.InMemory
                ? SqliteDatabase.OpenInMemory()
                : SqliteDatabase.OpenFile(string.IsNullOrEmpty(options.Path) ? DefaultDatabasePath : options.Path!);

        private static void CheckEmbedderMatchesDatabase(SqliteDatabase database, EmbedderIdentity embedder)
        {
            using var connection = database.OpenConnection();
            var stored = EmbedderRecord.Claim(connection, embedder.Key, embedder.Dimensions);
            if (stored.Identity == embedder.Key && stored.Dimensions == embedder.Dimensions)
            {
                return;
            }

            var file = database.FilePath ?? "(in memory)";
            var made = stored.Identity == null
                ? $"{stored.Dimensions}-dimensional vectors from an unrecorded embedder"
                : $"vectors made by '{stored.Identity}' ({stored.Dimensions} dimensions)";
            var pending = stored.ReembedTarget == embedder.Key
                ? $" A re-embed to '{embedder.Key}' was started and not finished: run {ReembedCommand} again with this embedder to finish it."
                : $" Open it with the embedder it was made with, or rebuild its vectors with this one: {ReembedCommand} -Path '{file}' (choosing this embedder).";
            throw EngineErrors.WrongEmbedder(
                $"The database {file} holds {made}, but it was opened with '{embedder.Key}' ({embedder.Dimensions} dimensions).{pending}");
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
