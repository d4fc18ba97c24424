using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Client.Diagnostics;

namespace Engram.PowerShell.Runtime
{
    /// <summary>
    /// One operation of the in-process engine, as <c>-Verbose</c> shows it. The outcome is <c>OK</c>,
    /// <c>canceled</c>, or the HTTP-like status of the engine's error.
    /// </summary>
    internal sealed record LocalOperationRecord(string Operation, string Detail, string Outcome, TimeSpan Duration);

    /// <summary>
    /// Decorates the in-process engine so <c>-Verbose</c> shows each operation and its duration, the way the
    /// HTTP client's trace shows each request. Adds no behaviour of its own.
    /// </summary>
    internal sealed class TracingEngramService : IEngramService
    {
        private readonly IEngramService _inner;

        /// <summary>Where the operations are reported: the client's flow-scoped listeners, so a cmdlet only hears its own.</summary>
        internal static FlowListeners<LocalOperationRecord> Operations { get; } = new FlowListeners<LocalOperationRecord>();

        public TracingEngramService(IEngramService inner)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        }

        public Task<StoreMemoryResult> StoreMemoryAsync(string bucket, string content, DedupPolicy? dedup = null, CancellationToken cancellationToken = default) =>
            Trace("StoreMemory", Quote(bucket), () => _inner.StoreMemoryAsync(bucket, content, dedup, cancellationToken));

        public Task<IReadOnlyList<StoreMemoryResult>> StoreMemoriesAsync(string bucket, IReadOnlyList<string> contents, DedupPolicy? dedup = null, CancellationToken cancellationToken = default) =>
            Trace("StoreMemories", Quote(bucket) + " (" + contents.Count + " items)", () => _inner.StoreMemoriesAsync(bucket, contents, dedup, cancellationToken));

        public Task<IReadOnlyList<StoreMemoryResult>> RestoreMemoriesAsync(string bucket, IReadOnlyList<MemoryRestoreItem> memories, DedupPolicy? dedup = null, CancellationToken cancellationToken = default) =>
            Trace("RestoreMemories", Quote(bucket) + " (" + memories.Count + " items)", () => _inner.RestoreMemoriesAsync(bucket, memories, dedup, cancellationToken));

        public Task<ListMemoriesResult> ListMemoriesAsync(string bucket, int limit = 20, int offset = 0, CancellationToken cancellationToken = default) =>
            Trace("ListMemories", Quote(bucket) + " limit=" + limit + " offset=" + offset, () => _inner.ListMemoriesAsync(bucket, limit, offset, cancellationToken));

        public Task<ListMemoriesResult> ListMemoriesFromCursorAsync(string bucket, int limit, string cursor, CancellationToken cancellationToken = default) =>
            Trace("ListMemories", Quote(bucket) + " limit=" + limit + " cursor=" + cursor, () => _inner.ListMemoriesFromCursorAsync(bucket, limit, cursor, cancellationToken));

        public Task DeleteMemoryAsync(string bucket, string memoryId, CancellationToken cancellationToken = default) =>
            Trace("DeleteMemory", Quote(bucket) + " " + memoryId, async () =>
            {
                await _inner.DeleteMemoryAsync(bucket, memoryId, cancellationToken).ConfigureAwait(false);
                return true;
            });

        public Task<ClearMemoriesResult> ClearMemoriesAsync(string bucket, CancellationToken cancellationToken = default) =>
            Trace("ClearMemories", Quote(bucket), () => _inner.ClearMemoriesAsync(bucket, cancellationToken));

        public Task<QueryResult> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default) =>
            Trace("Query", string.Join(",", request.EffectiveBuckets), () => _inner.QueryAsync(request, cancellationToken));

        public QueryStream QueryStreamAsync(QueryRequest request, CancellationToken cancellationToken = default)
        {
            var inner = _inner.QueryStreamAsync(request, cancellationToken);
            return new QueryStream((outer, ct) => TraceStream(inner, outer, string.Join(",", request.EffectiveBuckets), ct));
        }

        public Task<IReadOnlyList<Bucket>> ListBucketsAsync(CancellationToken cancellationToken = default) =>
            Trace("ListBuckets", "", () => _inner.ListBucketsAsync(cancellationToken));

        public Task<Bucket> CreateBucketAsync(string name, string? description = null, CancellationToken cancellationToken = default) =>
            Trace("CreateBucket", Quote(name), () => _inner.CreateBucketAsync(name, description, cancellationToken));

        public Task DeleteBucketAsync(string name, CancellationToken cancellationToken = default) =>
            Trace("DeleteBucket", Quote(name), async () =>
            {
                await _inner.DeleteBucketAsync(name, cancellationToken).ConfigureAwait(false);
                return true;
            });

        public Task<ProfileResult> GetProfileAsync(string bucket, CancellationToken cancellationToken = default) =>
            Trace("GetProfile", Quote(bucket), () => _inner.GetProfileAsync(bucket, cancellationToken));

        public Task<ProfileResult> RegenerateProfileAsync(string bucket, CancellationToken cancellationToken = default) =>
            Trace("RegenerateProfile", Quote(bucket), () => _inner.RegenerateProfileAsync(bucket, cancellationToken));

        /// <summary>Disposing the decorator does not dispose the engine's service: the connection owns that.</summary>
        public void Dispose()
        {
        }

        private static string Quote(string? bucket) => "'" + bucket + "'";

        private static async Task<T> Trace<T>(string operation, string detail, Func<Task<T>> call)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var result = await call().ConfigureAwait(false);
                Operations.Emit(new LocalOperationRecord(operation, detail, "OK", watch.Elapsed));
                return result;
            }
            catch (EngramException ex)
            {
                Operations.Emit(new LocalOperationRecord(operation, detail, ex.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), watch.Elapsed));
                throw;
            }
            catch (OperationCanceledException)
            {
                Operations.Emit(new LocalOperationRecord(operation, detail, "canceled", watch.Elapsed));
                throw;
            }
        }

        private static async IAsyncEnumerable<QueryStreamEvent> TraceStream(QueryStream inner, QueryStream outer, string detail, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var outcome = "OK";
            try
            {
                await using (var events = inner.GetAsyncEnumerator(cancellationToken))
                {
                    while (true)
                    {
                        bool more;
                        try
                        {
                            more = await events.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (EngramException ex)
                        {
                            outcome = ex.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                            throw;
                        }

                        if (!more)
                        {
                            break;
                        }

                        yield return events.Current;
                    }
                }

                if (inner.Completed)
                {
                    outer.MarkCompleted();
                }
            }
            finally
            {
                Operations.Emit(new LocalOperationRecord("QueryStream", detail, outcome, watch.Elapsed));
            }
        }
    }
}
