using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Ingest;
using Engram.Local.Listing;
using Engram.Local.Profiles;
using Engram.Local.Query;
using Engram.Local.Storage;
using Engram.Local.Synthesis;
using Engram.Local.Validation;
using Microsoft.Data.Sqlite;

namespace Engram.Local
{
    /// <summary>
    /// The Engram protocol answered in-process for one tenant, over the <see cref="LocalEngine"/>.
    /// Errors are <see cref="EngramException"/>s with the HTTP status and code the local server sends.
    /// SQLite calls are blocking and run on the caller's thread; stores and queries await the embedder
    /// (with the built-in hashing embedder their tasks are already complete). Cancellation is honoured
    /// between steps without leaving partial writes.
    /// </summary>
    public sealed class LocalEngramService : IEngramService
    {
        private readonly LocalEngine _engine;
        private readonly MemoryIngestor _ingestor;
        private readonly QueryRunner _queries;
        private readonly QuerySynthesis _synthesis; // byok: model or extractive answers
        private readonly ProfileRegenerator _profiles; // byok

        internal LocalEngramService(LocalEngine engine, string tenantId)
        {
            _engine = engine;
            TenantId = tenantId;
            _ingestor = new MemoryIngestor(engine);
            _queries = new QueryRunner(engine);
            _synthesis = new QuerySynthesis(engine, _queries); // byok
            _profiles = new ProfileRegenerator(engine); // byok
        }

        public string TenantId { get; }

        public Task<StoreMemoryResult> StoreMemoryAsync(string bucket, string content, DedupPolicy? dedup = null, CancellationToken cancellationToken = default) =>
            RunAsync(async () =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                RequestRules.ValidateBucketName(name);
                RequestRules.ValidateContent(content);
                return (await StoreInChunksAsync(name, new[] { content }, null, dedup, cancellationToken).ConfigureAwait(false))[0];
            }, cancellationToken);

        public Task<IReadOnlyList<StoreMemoryResult>> StoreMemoriesAsync(string bucket, IReadOnlyList<string> contents, DedupPolicy? dedup = null, CancellationToken cancellationToken = default) =>
            RunAsync(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                RequestRules.ValidateBucketName(name);
                // Every item is checked before the first write, so bad input stores nothing.
                RequestRules.ValidateBatch(contents);
                return StoreInChunksAsync(name, contents, null, dedup, cancellationToken);
            }, cancellationToken);

        /// <summary>
        /// The chunks the HTTP client would send as requests (<see cref="ChunkedStore"/>), several of them per write
        /// transaction when they are prepared in time; the next chunk is embedded and hashed while the current one is
        /// written. A restore passes per item the id and creation time to keep.
        /// </summary>
        private Task<IReadOnlyList<StoreMemoryResult>> StoreInChunksAsync(string bucket, IReadOnlyList<string> contents, IReadOnlyList<RestoreIdentity>? identities, DedupPolicy? dedup, CancellationToken cancellationToken) =>
            ChunkedStore.StoreAsync(
                contents.Count,
                (start, length, ct) => start == 0 && length == contents.Count
                    ? _ingestor.PrepareAsync(contents, identities, ct)
                    : _ingestor.PrepareAsync(Slice(contents, start, length), identities == null ? null : Slice(identities, start, length), ct),
                chunks => StoreTransactionAsync(bucket, chunks, dedup, cancellationToken),
                cancellationToken);

        private async Task<IReadOnlyList<StoreMemoryResult>> StoreTransactionAsync(string bucket, TransactionChunks<MemoryIngestor.PreparedBatch> chunks, DedupPolicy? dedup, CancellationToken cancellationToken)
        {
            try
            {
                return await _ingestor.StoreAsync(TenantId, bucket, chunks, dedup, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (StorageFaults.TryMap(e, out var mapped))
            {
                // Mapped here, not only in RunAsync, so a full disk in a later transaction still reports the
                // transactions committed before it (ChunkedStore wraps only protocol errors).
                throw mapped!;
            }
        }

        public Task<IReadOnlyList<StoreMemoryResult>> RestoreMemoriesAsync(string bucket, IReadOnlyList<MemoryRestoreItem> memories, DedupPolicy? dedup = null, CancellationToken cancellationToken = default) =>
            RunAsync(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                RequestRules.ValidateBucketName(name);
                // Every item is checked before the first write, as for StoreMemoriesAsync.
                var identities = RequestRules.ValidateRestore(memories);
                return StoreInChunksAsync(name, memories.Select(m => m.Content).ToList(), identities, dedup, cancellationToken);
            }, cancellationToken);

        private static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> items, int start, int length)
        {
            var slice = new List<T>(length);
            for (var i = start; i < start + length; i++)
            {
                slice.Add(items[i]);
            }

            return slice;
        }

        public Task<ListMemoriesResult> ListMemoriesAsync(string bucket, int limit = 20, int offset = 0, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                var effectiveLimit = RequestRules.ClampListLimit(limit);
                var effectiveOffset = RequestRules.ClampOffset(offset);
                using var connection = _engine.Database.OpenConnection();
                var row = FindBucket(connection, name);
                var memories = new List<Memory>();
                var total = 0;
                if (row != null)
                {
                    total = row.MemoryCount;
                    memories = MemoryRepository.ListPage(connection, row.Id, effectiveLimit, effectiveOffset)
                        .Select(m => new Memory { Id = m.Id, Content = m.Content, BucketName = row.Name, CreatedAt = m.CreatedAt, TokenCount = m.TokenCount })
                        .ToList();
                }

                return new ListMemoriesResult { Memories = memories, Total = total, Limit = effectiveLimit, Offset = effectiveOffset };
            }, cancellationToken);

        public Task<ListMemoriesResult> ListMemoriesFromCursorAsync(string bucket, int limit, string cursor, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                var effectiveLimit = RequestRules.ClampListLimit(limit);
                var position = ListCursor.Parse(cursor);
                using var connection = _engine.Database.OpenConnection();
                var row = FindBucket(connection, name);
                var result = new ListMemoriesResult { Limit = effectiveLimit, SupportsCursor = true };
                if (row == null)
                {
                    return result;
                }

                List<MemoryRow> rows;
                string? next = null;
                if (position.OldestFirst)
                {
                    var max = position.MaxSeq >= 0 ? position.MaxSeq : MemoryRepository.MaxSeq(connection, row.Id);
                    rows = MemoryRepository.ListAfterSeq(connection, row.Id, position.FromSeq, max, effectiveLimit);
                    if (rows.Count == effectiveLimit && rows[rows.Count - 1].Seq < max)
                    {
                        next = ListCursor.OldestAfter(rows[rows.Count - 1].Seq, max);
                    }
                }
                else
                {
                    rows = MemoryRepository.ListBeforeSeq(connection, row.Id, position.FromSeq, effectiveLimit);
                    if (rows.Count == effectiveLimit)
                    {
                        next = ListCursor.NewestBefore(rows[rows.Count - 1].Seq);
                    }
                }

                result.Total = row.MemoryCount;
                result.NextCursor = next;
                result.Memories = rows
                    .Select(m => new Memory { Id = m.Id, Content = m.Content, BucketName = row.Name, CreatedAt = m.CreatedAt, TokenCount = m.TokenCount })
                    .ToList();
                return result;
            }, cancellationToken);

        public Task DeleteMemoryAsync(string bucket, string memoryId, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                using var connection = _engine.Database.OpenConnection();
                var row = FindBucket(connection, name);
                if (row == null || string.IsNullOrEmpty(memoryId) || !MemoryRepository.Delete(connection, row.Id, memoryId))
                {
                    throw EngineErrors.NoSuchMemory();
                }

                return true;
            }, cancellationToken);

        public Task<ClearMemoriesResult> ClearMemoriesAsync(string bucket, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var name = RequestRules.RequireBucket(bucket, "clear memories");
                using var connection = _engine.Database.OpenConnection();
                var row = FindBucket(connection, name);
                var cleared = row == null ? 0 : MemoryRepository.Clear(connection, row.Id);
                return new ClearMemoriesResult { Success = true, ClearedCount = cleared };
            }, cancellationToken);

        public Task<QueryResult> QueryAsync(QueryRequest request, CancellationToken cancellationToken = default) =>
            RunAsync(() => _synthesis.AnswerAsync(TenantId, request, cancellationToken), cancellationToken); // byok: model or extractive

        public QueryStream QueryStreamAsync(QueryRequest request, CancellationToken cancellationToken = default) =>
            new QueryStream((stream, enumerationToken) => StreamEvents(stream, request, cancellationToken, enumerationToken));

        public Task<IReadOnlyList<Bucket>> ListBucketsAsync(CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                using var connection = _engine.Database.OpenConnection();
                return (IReadOnlyList<Bucket>)BucketRepository.List(connection, TenantId).Select(ToBucket).ToList();
            }, cancellationToken);

        public Task<Bucket> CreateBucketAsync(string name, string? description = null, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                RequestRules.ValidateNewBucket(name, description);
                using var connection = _engine.Database.OpenConnection();
                var row = BucketRepository.TryCreate(connection, TenantId, name, description) ?? throw EngineErrors.DuplicateBucket();
                return ToBucket(row);
            }, cancellationToken);

        public Task DeleteBucketAsync(string name, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var bucket = RequestRules.RequireBucket(name, "delete a bucket");
                using var connection = _engine.Database.OpenConnection();
                var row = FindBucket(connection, bucket);
                if (row == null || !BucketRepository.Delete(connection, TenantId, bucket))
                {
                    throw EngineErrors.NoSuchBucket();
                }

                _engine.Vectors.Forget(row.Id);
                return true;
            }, cancellationToken);

        public Task<ProfileResult> GetProfileAsync(string bucket, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                using var connection = _engine.Database.OpenConnection();
                var row = FindBucket(connection, name);
                return ProfileService.Get(connection, row);
            }, cancellationToken);

        public Task<ProfileResult> RegenerateProfileAsync(string bucket, CancellationToken cancellationToken = default) =>
            RunAsync(() => _profiles.RegenerateAsync(TenantId, bucket, cancellationToken), cancellationToken); // byok: on-demand profiler, model prose

        /// <summary>
        /// Installs the bucket profiler (wire spec §12, §17 Q29: not part of /v1; a local admin operation).
        /// The bucket is created when missing unless StrictBuckets. Installing twice keeps the current state.
        /// </summary>
        public Task InstallProfilerAsync(string bucket, CancellationToken cancellationToken = default) =>
            Run(() =>
            {
                var name = RequestRules.BucketOrDefault(bucket);
                RequestRules.ValidateBucketName(name);
                using var connection = _engine.Database.OpenConnection();
                var row = _engine.Options.StrictBuckets
                    ? BucketRepository.Find(connection, TenantId, name) ?? throw EngineErrors.NoSuchBucket()
                    : BucketRepository.Ensure(connection, TenantId, name);
                ProfileService.Install(connection, row);
                return true;
            }, cancellationToken);

        /// <summary>Does not dispose the engine: other services may share it.</summary>
        public void Dispose()
        {
        }

        private async IAsyncEnumerable<QueryStreamEvent> StreamEvents(
            QueryStream stream,
            QueryRequest request,
            CancellationToken requestToken,
            [EnumeratorCancellation] CancellationToken enumerationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestToken, enumerationToken);
            var token = linked.Token;
            if (_synthesis.UsesModel(request)) // byok: the provider's deltas pass through as they arrive
            {
                _engine.ThrowIfDisposed();
                await foreach (var item in _synthesis.StreamAsync(TenantId, request, token).ConfigureAwait(false))
                {
                    yield return item;
                }

                stream.MarkCompleted();
                yield break;
            }

            // Run the query off the caller's thread so the first MoveNextAsync does not block it.
            var result = await Task.Run(() => RunAsync(() => _synthesis.AnswerAsync(TenantId, request, token), token), token).ConfigureAwait(false); // byok

            if (!request.SkipSynthesis)
            {
                foreach (var chunk in AnswerChunker.Split(result.Answer))
                {
                    token.ThrowIfCancellationRequested();
                    yield return QueryStreamEvent.Delta(chunk);
                }
            }

            token.ThrowIfCancellationRequested();
            yield return QueryStreamEvent.Done(result);
            stream.MarkCompleted();
        }

        /// <summary>This tenant's bucket of that name; null when there is none or the name could never be one.</summary>
        private BucketRow? FindBucket(SqliteConnection connection, string name) =>
            RequestRules.IsValidBucketName(name) ? BucketRepository.Find(connection, TenantId, name) : null;

        private static Bucket ToBucket(BucketRow row) => new Bucket
        {
            Id = row.Id,
            Name = row.Name,
            Description = row.Description,
            CreatedAt = row.CreatedAt,
            MemoryCount = row.MemoryCount,
        };

        private async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _engine.ThrowIfDisposed();
            try
            {
                return await work().ConfigureAwait(false);
            }
            catch (Exception e) when (StorageFaults.TryMap(e, out var mapped))
            {
                // In-process callers get the refusal HTTP callers get (a full disk: 507 and what to do).
                throw mapped!;
            }
        }

        private Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                _engine.ThrowIfDisposed();
                return Task.FromResult(work());
            }
            catch (OperationCanceledException)
            {
                return Task.FromCanceled<T>(cancellationToken.IsCancellationRequested ? cancellationToken : new CancellationToken(true));
            }
            catch (Exception e)
            {
                return Task.FromException<T>(StorageFaults.TryMap(e, out var mapped) ? mapped! : e);
            }
        }
    }
}
