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

        /// <summary>
        /// Buckets with at least this many memories get an approximate vector index (HNSW, USearch) beside the
        /// database file, built in the background, where its natives exist (linux-x64, osx-arm64, win-x64); smaller
        /// buckets, in-memory databases and other platforms are scanned exactly. Null means the measured default
        /// (20,000); <see cref="int.MaxValue"/> turns the index off.
        /// </summary>
        public int? VectorIndexMinimum { get; set; }

        /// <summary>Which evidence ranks query results; <see cref="RetrievalMode.Hybrid"/> unless comparing methods.</summary>
        public RetrievalMode Retrieval { get; set; } = RetrievalMode.Hybrid;

        // BYOK synthesis (issue 11) ------------------------------------------------------------------

        /// <summary>
        /// The model that answers queries, judges near-duplicate conflicts and writes profiles; null means
        /// extractive answers only. Build one with Engram.Providers' ChatClientFactory, or pass any
        /// Microsoft.Extensions.AI chat client. The engine never disposes it.
        /// </summary>
        public IChatClient? ChatClient { get; set; }

        /// <summary>When answers come from the model; see <see cref="SynthesisMode"/>.</summary>
        public SynthesisMode Synthesis { get; set; } = SynthesisMode.Auto;

        /// <summary>
        /// With a <see cref="ChatClient"/>: a single store that is a near-duplicate of a stored memory (the
        /// embedder's near-duplicate cosine, below what the dedup rules merge) is judged by the model, which
        /// may keep the existing one (<c>merge_reason: conflict_keep_existing</c>). Default true.
        /// </summary>
        public bool ResolveConflicts { get; set; } = true;
    }

    /// <summary>Where query answers come from.</summary>
    public enum SynthesisMode
    {
        /// <summary>From <see cref="LocalEngineOptions.ChatClient"/> when set, else extractive (quoting memories).</summary>
        Auto,

        /// <summary>Always extractive, even with a chat client (which still judges conflicts and writes profiles).</summary>
        Extractive,

        /// <summary>
        /// Always from the model, as the hosted service answers: without a chat client a query that wants an
        /// answer fails with 412 BYOK_NOT_CONFIGURED "No model provider key configured" (skip_synthesis
        /// queries still run).
        /// </summary>
        Model,
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
