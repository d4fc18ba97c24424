namespace Engram.Local
{
    /// <summary>How <see cref="LocalEngine.Open"/> opens the embedded engine.</summary>
    public sealed class LocalEngineOptions
    {
        /// <summary>The SQLite file; null means <see cref="LocalEngine.DefaultDatabasePath"/>. Ignored when <see cref="InMemory"/>.</summary>
        public string? Path { get; set; }

        /// <summary>A throwaway database that lives while the engine lives.</summary>
        public bool InMemory { get; set; }

        /// <summary>The embedder; null means the built-in <see cref="HashingEmbedder"/>. A database must always be opened with the same one.</summary>
        public IEmbedder? Embedder { get; set; }

        /// <summary>Storing into a missing bucket fails with 404 BUCKET_NOT_FOUND instead of creating it (wire spec §16.2).</summary>
        public bool StrictBuckets { get; set; }
    }
}
