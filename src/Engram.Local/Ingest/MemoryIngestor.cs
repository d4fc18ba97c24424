using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;
using Engram.Local.Dedup;
using Engram.Local.Embedding;
using Engram.Local.Profiles;
using Engram.Local.Retrieval;
using Engram.Local.Storage;
using Engram.Local.Text;
using Engram.Local.Validation;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Ingest
{
    /// <summary>
    /// Stores memories: embed, deduplicate (<see cref="DedupRule"/>), insert, keep the vector cache current.
    /// A batch is one write transaction with prepared commands, checked item by item in input order so a
    /// later item can merge into an earlier one. A single store checks before taking the write lock (so
    /// readers and other writers are not held up by the check) and relies on the unique dedup index when
    /// an identical write slips in between: that is the <c>concurrent_insert_race</c> case.
    /// </summary>
    internal sealed class MemoryIngestor
    {
        private readonly LocalEngine _engine;

        public MemoryIngestor(LocalEngine engine) => _engine = engine;

        /// <summary>
        /// What a store does before it needs the database: embedding (one generator call for the whole batch), hash,
        /// blob, token count and fact key of every item. It has no side effects, so the next chunk of a large
        /// store is prepared while the current one is written (<see cref="ChunkedStore"/>). A restore also passes per
        /// item the id and creation time to keep (same count).
        /// </summary>
        public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<string> contents, IReadOnlyList<RestoreIdentity>? identities, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vectors = await _engine.Embedder.EmbedAsync(contents, cancellationToken).ConfigureAwait(false);
            return new PreparedBatch(Prepare(contents, vectors, cancellationToken), identities);
        }

        /// <summary>
        /// Stores, in one write transaction, the first of <paramref name="chunks"/> and the further chunks prepared
        /// by the time the one before is written (<see cref="TransactionChunks{TPrepared}"/>). The first preparation
        /// is awaited after the bucket and embedder checks, before the write lock is taken.
        /// </summary>
        public async Task<IReadOnlyList<StoreMemoryResult>> StoreAsync(string tenant, string bucketName, TransactionChunks<PreparedBatch> chunks, DedupPolicy? policy, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var connection = _engine.Database.OpenConnection();
            _engine.EnsureEmbedderStillMatches(connection);
            var bucket = _engine.Options.StrictBuckets
                ? BucketRepository.Find(connection, tenant, bucketName) ?? throw EngineErrors.NoSuchBucket()
                : BucketRepository.Ensure(connection, tenant, bucketName);
            var count = chunks.FirstLength;
            if (count == 0)
            {
                return Array.Empty<StoreMemoryResult>();
            }

            var first = await chunks.TakeFirst().ConfigureAwait(false);
            if (first.Items.Count != count)
            {
                throw new InvalidOperationException($"A store of {count} items was given {first.Items.Count} prepared items.");
            }

            IReadOnlyList<StoreMemoryResult> results;
            if (count == 1 && first.Identities == null)
            {
                var merged = MergeBeforeInsert(connection, bucket, first.Items[0], policy, cancellationToken);
                if (merged != null)
                {
                    results = new[] { merged };
                }
                else
                {
                    // The check above ran outside the gate (it may ask a model); only the short write waits for batches.
                    // Every writer waits asynchronously: SemaphoreSlim hands a released gate to the first such waiter,
                    // so a large store cannot take it back between its transactions while another writer waits.
                    await _engine.StoreGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        results = new[] { InsertOne(connection, tenant, bucket, first.Items[0], policy) };
                    }
                    finally
                    {
                        _engine.StoreGate.Release();
                    }
                }
            }
            else
            {
                await _engine.StoreGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    results = StoreBatch(connection, tenant, bucket, first, chunks, policy, cancellationToken);
                }
                finally
                {
                    _engine.StoreGate.Release();
                }
            }

            ProfileService.TickIfPending(connection, bucket);
            return results;
        }

        /// <summary>A single store's dedup check, before the write lock: the merge result, or null when the item is to be inserted.</summary>
        private StoreMemoryResult? MergeBeforeInsert(SqliteConnection connection, BucketRow bucket, PreparedItem item, DedupPolicy? policy, CancellationToken cancellationToken)
        {
            if (DedupRule.Applies(policy))
            {
                var decision = new DedupCheck(connection, null, bucket.Id, policy, _engine.Calibration, _engine.Embedder.Dimensions, new[] { item }).Decide(item);
                if (_engine.Conflicts != null)
                {
                    // byok: the model judges near-duplicates, found by the vector search of retrieval.
                    var vectors = _engine.Vectors.Get(connection, bucket.Id);
                    decision = _engine.Conflicts.Resolve(connection, vectors, item.Content, item.Vector, decision, cancellationToken) ?? decision;
                }

                if (decision.IsMerge)
                {
                    return Merged(bucket, item, decision);
                }
            }

            _engine.BeforeInsertHook?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }

        private StoreMemoryResult InsertOne(SqliteConnection connection, string tenant, BucketRow bucket, PreparedItem item, DedupPolicy? policy)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            _engine.EnsureEmbedderStillMatches(connection, transaction);
            var before = BucketRepository.ReadCounters(connection, bucket.Id, transaction) ?? throw EngineErrors.NoSuchBucket();
            using var inserter = new MemoryInserter(connection, transaction, bucket);
            var id = Guid.NewGuid().ToString();
            var seq = inserter.TryInsert(id, tenant, bucket.Id, item.Content, item.Hash, DedupRule.Applies(policy), item.TokenCount, Timestamps.Now(), item.Blob, item.FactKey);
            if (seq == null)
            {
                var winner = inserter.FindByDedupKey(bucket.Id, item.Hash)
                    ?? throw new InvalidOperationException("The dedup index rejected a write but holds no matching memory.");
                transaction.Rollback();
                return Merged(bucket, item, DedupDecision.Merge(winner.Id, winner.Seq, MergeReasons.ConcurrentInsertRace, 1.0));
            }

            inserter.CountInserted();
            var after = BucketRepository.ReadCounters(connection, bucket.Id, transaction)!.Value;
            transaction.Commit();
            _engine.Vectors.AppendCommitted(bucket.Id, before.ChangeVersion, after.ChangeVersion, after.DeleteEpoch, new[] { (seq.Value, item.Vector) });
            if (DedupRule.Applies(policy))
            {
                _engine.Vectors.RequestIndexingAfterInsert(connection, bucket.Id, bucket.MemoryCount + 1, seq.Value);
            }

            return Stored(bucket, id, item);
        }

        /// <summary>
        /// One write transaction: <paramref name="first"/>, then every further chunk <paramref name="chunks"/> has ready
        /// when the one before is written. Each chunk gets its own creation time and id batch, as when it was its own
        /// transaction; an item is checked against the bucket as the transaction began plus the items inserted before
        /// it in the transaction, which is what chunk-by-chunk transactions check it against.
        /// </summary>
        private List<StoreMemoryResult> StoreBatch(SqliteConnection connection, string tenant, BucketRow bucket, PreparedBatch first, TransactionChunks<PreparedBatch> chunks, DedupPolicy? policy, CancellationToken cancellationToken)
        {
            var results = new List<StoreMemoryResult>(first.Items.Count);
            var inserted = new List<(long Seq, float[] Vector)>(first.Items.Count);
            var checks = DedupRule.Applies(policy);

            _engine.BeforeBatchHook?.Invoke();
            using var transaction = connection.BeginTransaction(deferred: false);
            _engine.EnsureEmbedderStillMatches(connection, transaction);
            var before = BucketRepository.ReadCounters(connection, bucket.Id, transaction) ?? throw EngineErrors.NoSuchBucket();
            using var inserter = new MemoryInserter(connection, transaction, bucket);

            // The transaction's items so far, chunk by chunk: the next chunk is added when the items before it are written.
            var items = new List<PreparedItem>(first.Items.Count);
            var identities = first.Identities == null ? null : new List<RestoreIdentity>(first.Items.Count);
            var ids = new List<string>(first.Items.Count);
            var createdAts = new List<string>(first.Items.Count);

            // Inside the write transaction: the stored candidates are those no one else can change now. Each chunk's
            // keys are read when the chunk joins the transaction.
            var dedup = checks ? new DedupCheck(connection, transaction, bucket.Id, policy, _engine.Calibration, _engine.Embedder.Dimensions, first.Items) : null;
            void Add(PreparedBatch chunk)
            {
                items.AddRange(chunk.Items);
                identities?.AddRange(chunk.Identities!);
                ids.AddRange(MemoryIds.NewBatch(chunk.Items.Count));
                var createdAt = Timestamps.Now();
                for (var c = 0; c < chunk.Items.Count; c++)
                {
                    createdAts.Add(createdAt);
                }

                if (chunk != first)
                {
                    dedup?.Read(chunk.Items);
                }
            }

            bool AddReadyChunk()
            {
                if (!chunks.TryTakeReady(out var chunk))
                {
                    return false;
                }

                _engine.BeforeFurtherChunkHook?.Invoke();
                Add(chunk);
                return true;
            }

            Add(first);
            for (var i = 0; i < items.Count || AddReadyChunk(); i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var item = items[i];
                var identity = identities?[i];
                string? keptId = null;
                if (identity?.Id != null)
                {
                    // A restore: the id already in this bucket means this memory is there (importing a file twice).
                    // An id another bucket holds cannot be kept: the copy gets an id derived from it, once.
                    keptId = identity.Id;
                    var owner = inserter.FindBucketOfId(keptId);
                    if (owner != null && owner != bucket.Id)
                    {
                        keptId = RestoreIdentity.CopyId(bucket.Id, identity.Id);
                        owner = inserter.FindBucketOfId(keptId);
                    }

                    if (owner == bucket.Id)
                    {
                        results.Add(Merged(bucket, item, DedupDecision.Merge(keptId, 0, StoreMemoryResult.MergeReasonSameId, 1.0)));
                        continue;
                    }

                    keptId = owner == null ? keptId : null;
                }

                if (dedup != null)
                {
                    var decision = dedup.Decide(item);
                    if (decision.IsMerge)
                    {
                        results.Add(Merged(bucket, item, decision));
                        continue;
                    }
                }

                var id = keptId ?? ids[i];
                var seq = inserter.TryInsert(id, tenant, bucket.Id, item.Content, item.Hash, checks, item.TokenCount, identity?.CreatedAt ?? createdAts[i], item.Blob, item.FactKey);
                if (seq == null)
                {
                    var winner = inserter.FindByDedupKey(bucket.Id, item.Hash)!.Value;
                    results.Add(Merged(bucket, item, DedupDecision.Merge(winner.Id, winner.Seq, MergeReasons.ConcurrentInsertRace, 1.0)));
                    continue;
                }

                dedup?.Inserted(seq.Value, id, item);
                inserted.Add((seq.Value, item.Vector));
                results.Add(Stored(bucket, id, item));
            }

            cancellationToken.ThrowIfCancellationRequested();
            inserter.CountInserted();
            var after = BucketRepository.ReadCounters(connection, bucket.Id, transaction)!.Value;
            transaction.Commit();
            _engine.Vectors.AppendCommitted(bucket.Id, before.ChangeVersion, after.ChangeVersion, after.DeleteEpoch, inserted);
            if (checks && inserted.Count > 0)
            {
                _engine.Vectors.RequestIndexingAfterInsert(connection, bucket.Id, bucket.MemoryCount + inserted.Count, inserted[inserted.Count - 1].Seq);
            }

            return results;
        }

        /// <summary>Hash, blob, token count and fact key of every write, before the write lock; one SHA-256 for the batch (creating one per row cost about 2 µs).</summary>
        private static List<PreparedItem> Prepare(IReadOnlyList<string> contents, float[][] vectors, CancellationToken cancellationToken)
        {
            // Spreading a batch over the cores (Parallel.For) was measured too: on a loaded 2-core machine it cost more
            // process CPU and wall time than it saved (dedup off, 10,000 rows: 1,312 vs 1,661 rows/s).
            var items = new List<PreparedItem>(contents.Count);
            using var sha = SHA256.Create();
            for (var i = 0; i < contents.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var content = contents[i];
                var vector = vectors[i];
                items.Add(new PreparedItem(content, DedupRule.ContentHash(content, sha), vector, VectorMath.ToBytes(vector), TokenCounter.Count(content), FactTokens.Key(content, sha)));
            }

            return items;
        }

        private static StoreMemoryResult Stored(BucketRow bucket, string id, PreparedItem item) => new StoreMemoryResult
        {
            Id = id,
            MemoryId = id,
            BucketName = bucket.Name,
            TokenCount = item.TokenCount,
            Status = StoreMemoryResult.StatusStored,
        };

        private static StoreMemoryResult Merged(BucketRow bucket, PreparedItem item, DedupDecision decision) => new StoreMemoryResult
        {
            Id = decision.CanonicalId!,
            MemoryId = decision.CanonicalId!,
            BucketName = bucket.Name,
            TokenCount = item.TokenCount,
            Status = StoreMemoryResult.StatusMerged,
            DedupedInto = decision.CanonicalId,
            SimilarityScore = decision.Similarity,
            MergeReason = decision.Reason,
        };

        /// <summary>The prepared items of one chunk, in input order (what <see cref="PrepareAsync"/> returns).</summary>
        internal sealed class PreparedBatch
        {
            internal PreparedBatch(List<PreparedItem> items, IReadOnlyList<RestoreIdentity>? identities)
            {
                Items = items;
                Identities = identities;
            }

            internal List<PreparedItem> Items { get; }

            /// <summary>A restore's ids and creation times to keep, one per item; null for a store.</summary>
            internal IReadOnlyList<RestoreIdentity>? Identities { get; }
        }

        internal sealed class PreparedItem
        {
            public PreparedItem(string content, byte[] hash, float[] vector, byte[] blob, int tokenCount, long factKey)
            {
                FactKey = factKey;
                Content = content;
                Hash = hash;
                Vector = vector;
                Blob = blob;
                TokenCount = tokenCount;
            }

            public string Content { get; }

            public byte[] Hash { get; }

            public float[] Vector { get; }

            public byte[] Blob { get; }

            public int TokenCount { get; }

            /// <summary><see cref="FactTokens.Key(string)"/> of the content: the merge candidates are the memories with this key.</summary>
            public long FactKey { get; }
        }
    }
}
