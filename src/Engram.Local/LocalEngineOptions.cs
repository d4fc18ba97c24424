using Microsoft.Extensions.AI;

namespace Engram.Local
{
    /// <summary>How <see cref="LocalEngine.Open"/> opens the embedded engine.</summary>
    public sealed class LocalEngineOptions
    {
        /// <summary>The SQLite file; null means <see cref="LocalEngine.DefaultDatabasePath"/>. Ignored when <see cref="InMemory"/>.</summary>
        public string? Path { get; set; }

        /// <summary>A throwaway database that lives while the engine lives.</summary>
        public bool InMemory { get; set; }

        /// <summary>
        /// The embedder; null means the built-in <see cref="HashingEmbedder"/>. The database records the
        /// embedder's identity (provider/model/dimensions from its <see cref="EmbeddingGeneratorMetadata"/>):
        /// opening it with another one fails until it is re-embedded (<c>Update-EngramIndex</c>, <c>LocalEngine.ReembedAsync</c>).
        /// The engine does not dispose it.
        /// </summary>
        public IEmbeddingGenerator<string, Embedding<float>>? Embedder { get; set; }

        /// <summary>Storing into a missing bucket fails with 404 BUCKET_NOT_FOUND instead of creating it (wire spec §16.2).</summary>
        public bool StrictBuckets { get; set; }

        /// <summary>Which evidence ranks query results; <see cref="RetrievalMode.Hybrid"/> unless comparing methods.</summary>
        public RetrievalMode Retrieval { get; set; } = RetrievalMode.Hybrid;
    }

    /// <summary>Which lists a query's ranking is built from.</summary>
    public enum RetrievalMode
    {
        /// <summary>BM25 and embedding similarity, fused (the default).</summary>
        Hybrid,

        /// <summary>BM25 only (memories that share no word with the question are not found).</summary>
        LexicalOnly,

        /// <summary>Embedding similarity only.</summary>
        DenseOnly,
    }
}
