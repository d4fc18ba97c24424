using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client
{
    /// <summary>
    /// Every operation of the Engram protocol (wire spec Appendix A), one async method each.
    /// Implemented over HTTP by <see cref="EngramHttpService"/> and in-process by the local engine,
    /// so callers (the cmdlets among them) never know which one they talk to.
    /// </summary>
    public interface IEngramService : IDisposable
    {
        /// <summary>Store one memory. <paramref name="dedup"/> null sends no policy (server default, loose).</summary>
        Task<StoreMemoryResult> StoreMemoryAsync(string bucket, string content, DedupPolicy? dedup = null, CancellationToken cancellationToken = default);

        /// <summary>
        /// Store many memories, one result per input in input order. Implementations split the input
        /// into requests of at most <see cref="EngramLimits.MaxBatchSize"/> items.
        /// </summary>
        Task<IReadOnlyList<StoreMemoryResult>> StoreMemoriesAsync(string bucket, IReadOnlyList<string> contents, DedupPolicy? dedup = null, CancellationToken cancellationToken = default);

        /// <summary>
        /// Restore extension of the batch store (Engram Local answers it, other servers ignore the extra fields):
        /// stores <paramref name="memories"/> keeping each one's id and creation time. An item whose id the
        /// bucket already holds is not stored again (<c>merged</c>, <see cref="StoreMemoryResult.MergeReasonSameId"/>).
        /// A server that cannot keep an id (the hosted service; an id used by another bucket) assigns a new one:
        /// compare each result's <see cref="StoreMemoryResult.Id"/> with the item's.
        /// </summary>
        Task<IReadOnlyList<StoreMemoryResult>> RestoreMemoriesAsync(string bucket, IReadOnlyList<MemoryRestoreItem> memories, DedupPolicy? dedup = null, CancellationToken cancellationToken = default);

        /// <summary>One page of a bucket's memories, newest first.</summary>
        Task<ListMemoriesResult> ListMemoriesAsync(string bucket, int limit = 20, int offset = 0, CancellationToken cancellationToken = default);

        /// <summary>
        /// Cursor extension of the list endpoint (<c>?cursor=</c>; Engram Local answers it, other servers may
        /// not): one page from <paramref name="cursor"/>, a <see cref="MemoryCursors"/> start token or a previous
        /// page's <see cref="ListMemoriesResult.NextCursor"/>. See <see cref="ListMemoriesResult.SupportsCursor"/>.
        /// </summary>
        Task<ListMemoriesResult> ListMemoriesFromCursorAsync(string bucket, int limit, string cursor, CancellationToken cancellationToken = default);

        Task DeleteMemoryAsync(string bucket, string memoryId, CancellationToken cancellationToken = default);

        /// <summary>Delete every memory of a bucket (the bucket stays). The bucket name is required and must not be empty.</summary>
        Task<ClearMemoriesResult> ClearMemoriesAsync(string bucket, CancellationToken cancellationToken = default);

        Task<QueryResult> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default);

        /// <summary>
        /// Streamed query: delta events as the answer is produced, then one done event.
        /// Abandoning the enumeration aborts the request.
        /// </summary>
        QueryStream QueryStreamAsync(QueryRequest request, CancellationToken cancellationToken = default);

        Task<IReadOnlyList<Bucket>> ListBucketsAsync(CancellationToken cancellationToken = default);

        Task<Bucket> CreateBucketAsync(string name, string? description = null, CancellationToken cancellationToken = default);

        /// <summary>Delete a bucket and all its memories. The name is required and must not be empty.</summary>
        Task DeleteBucketAsync(string name, CancellationToken cancellationToken = default);

        Task<ProfileResult> GetProfileAsync(string bucket, CancellationToken cancellationToken = default);

        Task<ProfileResult> RegenerateProfileAsync(string bucket, CancellationToken cancellationToken = default);
    }

    /// <summary>Protocol limits shared by the client and the local server (wire spec §17).</summary>
    public static class EngramLimits
    {
        public const string DefaultBucket = "default";
        public const int MaxBatchSize = 100;
        public const int MaxContentLength = 100_000;
        public const int DefaultListLimit = 20;
        public const int MaxListLimit = 100;
        public const int DefaultTopK = 8;
        public const int MaxTopK = 100;
        public const int DefaultMaxTokens = 8192;
    }
}
