using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client
{
    /// <summary>
    /// How every <see cref="IEngramService"/> stores a large batch: chunks of at most
    /// <see cref="EngramLimits.MaxBatchSize"/> items in input order, one request each over HTTP; in-process, one
    /// transaction of one or more whole chunks (<see cref="TransactionChunks{TPrepared}"/>). A failure after
    /// earlier chunks were stored becomes an <see cref="EngramBatchException"/> that carries their results, so
    /// nothing already stored is lost to the caller.
    /// </summary>
    internal static class ChunkedStore
    {
        /// <param name="count">How many items the caller asked to store.</param>
        /// <param name="storeChunk">Stores the items from <c>start</c>, <c>length</c> of them, and returns their results in order.</param>
        public static async Task<IReadOnlyList<StoreMemoryResult>> StoreAsync(int count, Func<int, int, Task<IReadOnlyList<StoreMemoryResult>>> storeChunk)
        {
            if (count <= EngramLimits.MaxBatchSize)
            {
                return await storeChunk(0, count).ConfigureAwait(false);
            }

            var results = new List<StoreMemoryResult>(count);
            for (var start = 0; start < count; start += EngramLimits.MaxBatchSize)
            {
                var length = Math.Min(EngramLimits.MaxBatchSize, count - start);
                await StoreInTurnAsync(results, count, () => storeChunk(start, length)).ConfigureAwait(false);
            }

            return results;
        }

        /// <summary>
        /// The same chunks, results and failure rule, with each chunk's preparation (work without side effects:
        /// embedding, hashing) split from its storing so the next chunk is prepared on the thread pool while the
        /// current one is stored, and several prepared chunks written in one transaction (<see cref="TransactionChunks{TPrepared}"/>).
        /// Chunks are still stored one after the other in input order, so an item can merge into any item before
        /// it exactly as with <see cref="StoreAsync(int, Func{int, int, Task{IReadOnlyList{StoreMemoryResult}}})"/>,
        /// and a failure reports the results of the transactions committed before it, no more and no fewer.
        /// A failure or cancellation stops the preparation ahead and waits for it, so nothing runs on after the call.
        /// </summary>
        /// <param name="count">How many items the caller asked to store.</param>
        /// <param name="prepare">Prepares the items from <c>start</c>, <c>length</c> of them.</param>
        /// <param name="storeTransaction">
        /// Stores, in one transaction, the chunks it takes from its argument (at least the first, unless there are no
        /// items) and returns their results in order.
        /// </param>
        /// <param name="cancellationToken">Stops the preparation (storing honours its own token).</param>
        public static async Task<IReadOnlyList<StoreMemoryResult>> StoreAsync<TPrepared>(
            int count,
            Func<int, int, CancellationToken, Task<TPrepared>> prepare,
            Func<TransactionChunks<TPrepared>, Task<IReadOnlyList<StoreMemoryResult>>> storeTransaction,
            CancellationToken cancellationToken)
        {
            using var ahead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var chunks = new PreparedChunks<TPrepared>(count, prepare, ahead.Token);
            var results = new List<StoreMemoryResult>(count);
            var finished = false;
            try
            {
                do
                {
                    var transaction = new TransactionChunks<TPrepared>(chunks);
                    await StoreInTurnAsync(results, count, async () =>
                    {
                        var stored = await storeTransaction(transaction).ConfigureAwait(false);
                        if (stored.Count != transaction.Count || (count > 0 && stored.Count == 0))
                        {
                            throw new InvalidOperationException($"A transaction that took {transaction.Count} items returned {stored.Count} results.");
                        }

                        return stored;
                    }).ConfigureAwait(false);
                }
                while (results.Count < count);

                finished = true;
            }
            finally
            {
                if (!finished)
                {
                    // What was prepared ahead will not be stored.
                    ahead.Cancel();
                    await chunks.ObserveUnfinishedAsync().ConfigureAwait(false);
                }
            }

            return results;
        }

        /// <summary>
        /// Runs one step of a call (a chunk, a transaction) after those before it and appends its results to theirs. The
        /// failure rule of both overloads: an <see cref="EngramException"/> after earlier steps stored something becomes an
        /// <see cref="EngramBatchException"/> carrying exactly their results; the first step's failure is its own.
        /// </summary>
        private static async Task StoreInTurnAsync(List<StoreMemoryResult> results, int count, Func<Task<IReadOnlyList<StoreMemoryResult>>> step)
        {
            try
            {
                results.AddRange(await step().ConfigureAwait(false));
            }
            catch (EngramException failure) when (results.Count > 0)
            {
                throw new EngramBatchException(failure, results, count);
            }
        }

        internal static async Task ObserveAsync(Task? task)
        {
            if (task == null)
            {
                return;
            }

            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Its outcome no longer matters: the failure that stopped the loop is the one reported.
            }
        }
    }

    /// <summary>
    /// The chunks of one store call in input order, each prepared on the thread pool as soon as the one before it is
    /// taken (one chunk ahead of the writer); the first is prepared when it is taken, after the call's own checks.
    /// </summary>
    internal sealed class PreparedChunks<TPrepared>
    {
        private readonly int _count;
        private readonly Func<int, int, CancellationToken, Task<TPrepared>> _prepare;
        private readonly CancellationToken _cancellationToken;
        private Task<TPrepared>? _ahead;    // the preparation started ahead, of the chunk at _aheadStart
        private int _aheadStart;
        private Task<TPrepared>? _lastTaken;

        internal PreparedChunks(int count, Func<int, int, CancellationToken, Task<TPrepared>> prepare, CancellationToken cancellationToken)
        {
            _count = count;
            _prepare = prepare;
            _cancellationToken = cancellationToken;
            if (count > EngramLimits.MaxBatchSize)
            {
                // The second chunk is prepared while the first is checked, prepared and written.
                StartAhead(EngramLimits.MaxBatchSize);
            }
        }

        internal int NextStart { get; private set; }

        internal int NextLength => Math.Min(EngramLimits.MaxBatchSize, _count - NextStart);

        /// <summary>Whether the next chunk exists and its preparation has succeeded (a failure is left to the next transaction to report).</summary>
        internal bool NextIsReady => _ahead != null && _aheadStart == NextStart && _ahead.Status == TaskStatus.RanToCompletion;

        /// <summary>Takes the next chunk (its preparation starts here when it has not yet) and starts preparing the one after it.</summary>
        internal Task<TPrepared> Take()
        {
            var task = _ahead != null && _aheadStart == NextStart ? _ahead : _prepare(NextStart, NextLength, _cancellationToken);
            _lastTaken = task;
            NextStart += NextLength;
            _ahead = null;
            if (NextStart < _count)
            {
                StartAhead(NextStart);
            }

            return task;
        }

        internal async Task ObserveUnfinishedAsync()
        {
            await ChunkedStore.ObserveAsync(_lastTaken).ConfigureAwait(false);
            await ChunkedStore.ObserveAsync(_ahead).ConfigureAwait(false);
        }

        private void StartAhead(int start)
        {
            var length = Math.Min(EngramLimits.MaxBatchSize, _count - start);
            _aheadStart = start;
            _ahead = Task.Run(() => _prepare(start, length, _cancellationToken), _cancellationToken);
        }
    }

    /// <summary>
    /// The chunks one write transaction of a store call takes, in input order: always the first, then as many more as
    /// are prepared already, up to <see cref="MaxItems"/> items. It never waits for a preparation while the writer may
    /// hold the write lock (a model embedder can take seconds per chunk): with such an embedder, or a call of at most
    /// 100 items (every HTTP request), each chunk is still its own transaction.
    /// </summary>
    internal sealed class TransactionChunks<TPrepared>
    {
        /// <summary>
        /// The most items one transaction writes. FTS5 writes a segment per commit and merges them later: the storage
        /// ceiling program spends 20-30 % less CPU on 10,000 rows in 1,000-row transactions than in 100-row ones, and
        /// the engine's default-dedup ingest 7 % less per row (bench/NOTES.md). It bounds how long the write gate is
        /// held: about 0.2 s on a quiet 2-core machine (~200 µs of write per row with the default dedup).
        /// </summary>
        internal const int MaxItems = 1000;

        private readonly PreparedChunks<TPrepared> _chunks;

        internal TransactionChunks(PreparedChunks<TPrepared> chunks)
        {
            _chunks = chunks;
            Start = chunks.NextStart;
        }

        /// <summary>The input position of the transaction's first item.</summary>
        public int Start { get; }

        /// <summary>How many items the chunks taken so far hold.</summary>
        public int Count { get; private set; }

        /// <summary>How many items the first chunk holds (0 for a call of none).</summary>
        public int FirstLength => Start == _chunks.NextStart ? _chunks.NextLength : throw new InvalidOperationException("The first chunk was taken already.");

        /// <summary>The first chunk's preparation; call it once, after the checks that come before any work.</summary>
        public Task<TPrepared> TakeFirst()
        {
            if (Count > 0 || Start != _chunks.NextStart)
            {
                throw new InvalidOperationException("The first chunk was taken already.");
            }

            Count = _chunks.NextLength;
            return _chunks.Take();
        }

        /// <summary>
        /// The next chunk of this transaction when it is prepared already, holds more than one item (a single item is
        /// stored on its own path, as a call of one item would be) and fits within <see cref="MaxItems"/>; otherwise
        /// false and the transaction should commit.
        /// </summary>
        public bool TryTakeReady(out TPrepared prepared)
        {
            prepared = default!;
            var length = _chunks.NextLength;
            if (Count == 0 || length <= 1 || Count + length > MaxItems || !_chunks.NextIsReady)
            {
                return false;
            }

            Count += length;
            prepared = _chunks.Take().GetAwaiter().GetResult(); // completed successfully: NextIsReady
            return true;
        }
    }
}
