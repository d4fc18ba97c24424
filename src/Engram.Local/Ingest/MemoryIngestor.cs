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

        /// <summary>Stores <paramref name="contents"/>; a restore also passes per item the id and creation time to keep (same count).</summary>
        public Task<IReadOnlyList<StoreMemoryResult>> StoreAsync(string tenant, string bucketName, IReadOnlyList<string> contents, DedupPolicy? policy, CancellationToken cancellationToken, IReadOnlyList<RestoreIdentity>? identities = null) =>
            StoreAsync(tenant, bucketName, contents.Count, () => PrepareAsync(contents, cancellationToken), policy, cancellationToken, identities);

        /// <summary>
        /// What a store does before it needs the database: embedding (one generator call for the whole batch), hash,
        /// blob, token count and fact key of every item. It has no side effects, so the next chunk of a large
        /// store is prepared while the current one is written (<see cref="ChunkedStore"/>).
        /// </summary>
        public async Task<PreparedBatch> PrepareAsync(IReadOnlyList<string> contents, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var vectors = await _engine.Embedder.EmbedAsync(contents, cancellationToken).ConfigureAwait(false);
            return new PreparedBatch(Prepare(contents, vectors, cancellationToken));
        }

        /// <summary>
        /// Stores <paramref name="count"/> items that <paramref name="prepared"/> gives (<see cref="PrepareAsync"/> of
        /// them): it is awaited after the bucket and embedder checks, before the write lock is taken.
        /// </summary>
        public async Task<IReadOnlyList<StoreMemoryResult>> StoreAsync(string tenant, string bucketName, int count, Func<Task<PreparedBatch>> prepared, DedupPolicy? policy, CancellationToken cancellationToken, IReadOnlyList<RestoreIdentity>? identities = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var connection = _engine.Database.OpenConnection();
            _engine.EnsureEmbedderStillMatches(connection);
            var bucket = _engine.Options.StrictBuckets
                ? BucketRepository.Find(connection, tenant, bucketName) ?? throw EngineErrors.NoSuchBucket()
                : BucketRepository.Ensure(connection, tenant, bucketName);
            if (count == 0)
            {
                return Array.Empty<StoreMemoryResult>();
            }

            var items = (await prepared().ConfigureAwait(false)).Items;
            if (items.Count != count)
            {
                throw new InvalidOperationException($"A store of {count} items was given {items.Count} prepared items.");
            }

            StoreMemoryResult[] results;
            if (count == 1 && identities == null)
            {
                results = new[] { StoreOne(connection, tenant, bucket, items[0], policy, cancellationToken) };
            }
            else
            {
                await _engine.StoreGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    results = StoreBatch(connection, tenant, bucket, items, policy, cancellationToken, identities);
                }
                finally
                {
                    _engine.StoreGate.Release();
                }
            }

            ProfileService.TickIfPending(connection, bucket);
            return results;
        }

        private StoreMemoryResult StoreOne(SqliteConnection connection, string tenant, BucketRow bucket, PreparedItem item, DedupPolicy? policy, CancellationToken cancellationToken)
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

            // The check above ran outside the gate (it may ask a model); only the short write waits for batches.
            _engine.StoreGate.Wait(cancellationToken);
            try
            {
                return InsertOne(connection, tenant, bucket, item, policy);
            }
            finally
            {
                _engine.StoreGate.Release();
            }
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

        private StoreMemoryResult[] StoreBatch(SqliteConnection connection, string tenant, BucketRow bucket, List<PreparedItem> items, DedupPolicy? policy, CancellationToken cancellationToken, IReadOnlyList<RestoreIdentity>? identities)
        {
            var results = new StoreMemoryResult[items.Count];
            var inserted = new List<(long Seq, float[] Vector)>(items.Count);
            var checks = DedupRule.Applies(policy);

            _engine.BeforeBatchHook?.Invoke();
            using var transaction = connection.BeginTransaction(deferred: false);
            _engine.EnsureEmbedderStillMatches(connection, transaction);
            var before = BucketRepository.ReadCounters(connection, bucket.Id, transaction) ?? throw EngineErrors.NoSuchBucket();
            using var inserter = new MemoryInserter(connection, transaction, bucket);
            var createdAt = Timestamps.Now();
            var ids = MemoryIds.NewBatch(items.Count);

            // Inside the write transaction: the stored candidates are those no one else can change now.
            var dedup = checks ? new DedupCheck(connection, transaction, bucket.Id, policy, _engine.Calibration, _engine.Embedder.Dimensions, items) : null;

            for (var i = 0; i < items.Count; i++)
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
                        results[i] = Merged(bucket, item, DedupDecision.Merge(keptId, 0, StoreMemoryResult.MergeReasonSameId, 1.0));
                        continue;
                    }

                    keptId = owner == null ? keptId : null;
                }

                if (dedup != null)
                {
                    var decision = dedup.Decide(item);
                    if (decision.IsMerge)
                    {
                        results[i] = Merged(bucket, item, decision);
                        continue;
                    }
                }

                var id = keptId ?? ids[i];
                var seq = inserter.TryInsert(id, tenant, bucket.Id, item.Content, item.Hash, checks, item.TokenCount, identity?.CreatedAt ?? createdAt, item.Blob, item.FactKey);
                if (seq == null)
                {
                    var winner = inserter.FindByDedupKey(bucket.Id, item.Hash)!.Value;
                    results[i] = Merged(bucket, item, DedupDecision.Merge(winner.Id, winner.Seq, MergeReasons.ConcurrentInsertRace, 1.0));
                    continue;
                }

                dedup?.Inserted(seq.Value, id, item);
                inserted.Add((seq.Value, item.Vector));
                results[i] = Stored(bucket, id, item);
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
            internal PreparedBatch(List<PreparedItem> items) => Items = items;

            internal List<PreparedItem> Items { get; }
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
