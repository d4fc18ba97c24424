using System;

namespace Engram.Local
{
    /// <summary>How <see cref="LocalEngine.ReembedAsync"/> runs.</summary>
    public sealed class ReembedOptions
    {
        public const int DefaultBatchSize = 256;

        /// <summary>Memories embedded per generator call and saved per commit.</summary>
        public int BatchSize { get; set; } = DefaultBatchSize;

        /// <summary>Called after every saved batch (on the re-embedding flow), e.g. to drive a progress bar.</summary>
        public Action<ReembedProgress>? Progress { get; set; }
    }

    /// <summary>How far a re-embed is: memories with a new vector of all memories.</summary>
    public sealed class ReembedProgress
    {
        public ReembedProgress(int done, int total)
        {
            Done = done;
            Total = total;
        }

        public int Done { get; }

        public int Total { get; }

        public override string ToString() => Done + "/" + Total;
    }

    /// <summary>What a finished re-embed did.</summary>
    public sealed class ReembedResult
    {
        public ReembedResult(string? from, string to, int embedded, int resumedWith)
        {
            From = from;
            To = to;
            Embedded = embedded;
            ResumedWith = resumedWith;
        }

        /// <summary>The embedder identity the vectors had (null: not recorded, an older database).</summary>
        public string? From { get; }

        /// <summary>The embedder identity the database now records.</summary>
        public string To { get; }

        /// <summary>Memories embedded by this run (0 when the database already used this embedder).</summary>
        public int Embedded { get; }

        /// <summary>New vectors an earlier, interrupted run had already saved and this one kept.</summary>
        public int ResumedWith { get; }
    }
}
