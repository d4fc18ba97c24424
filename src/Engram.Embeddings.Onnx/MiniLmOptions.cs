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
        /// ONNX Runtime intra-op threads per inference. 1 is the default: on the 2-core machine a query costs
        /// 5.4-5.5 ms of CPU with 1 thread and 9.5-10.3 ms with 2, for no lower median latency (p50 8.2 vs
        /// 8.6 ms), and batches cost 6.0 vs 9.9 ms of CPU per text (`Engram.Bench embed`, docs/embeddings.md).
        /// With one thread concurrent callers run side by side instead of contending for one pool.
        /// </summary>
        public int IntraOpThreads { get; set; } = 1;

        /// <summary>
        /// Texts per inference run when many are embedded at once; texts are sorted by token count first, so
        /// a run pads little. Short texts gain nothing from larger runs: CPU per text was 5.8 ms at 8, 6.0 at
        /// 16, 6.5 at 32, 6.8 at 64 (1 thread, 82-character facts), and memory grows with the run.
        /// </summary>
        public int MaxBatchSize { get; set; } = 16;
    }
}
