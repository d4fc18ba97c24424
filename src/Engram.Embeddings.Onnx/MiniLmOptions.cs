namespace Engram.Embeddings.Onnx
{
    /// <summary>Settings of the local all-MiniLM-L6-v2 embedder. The defaults are the measured best on a 2-core machine.</summary>
    public sealed class MiniLmOptions
    {
        /// <summary>
        /// Folder holding model.onnx and vocab.txt (and model.onnx.sha256). Default: models/all-MiniLM-L6-v2
        /// next to Engram.Embeddings.Onnx.dll, where the build puts them.
        /// </summary>
        public string? ModelDirectory { get; set; }

        /// <summary>
        /// ONNX Runtime intra-op threads per inference. 1 is the default: on the 2-core machine it is faster
        /// for single queries than 2 (see docs/benchmarks.md, `Engram.Bench embed`), and concurrent callers
        /// then run side by side instead of contending for one pool.
        /// </summary>
        public int IntraOpThreads { get; set; } = 1;

        /// <summary>
        /// Texts per inference run when many are embedded at once. Texts are sorted by length first, so a run
        /// pads little; larger runs gain little once past ~16-32 (see the bench figures).
        /// </summary>
        public int MaxBatchSize { get; set; } = 32;
    }
}
