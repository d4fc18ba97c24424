using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Engram.Client
{
    /// <summary>
    /// How every <see cref="IEngramService"/> stores a large batch: chunks of at most
    /// <see cref="EngramLimits.MaxBatchSize"/> items in input order, one request (or transaction) each. A
    /// failure after earlier chunks were stored becomes an <see cref="EngramBatchException"/> that carries
    /// their results, so nothing already stored is lost to the caller.
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
                try
                {
                    results.AddRange(await storeChunk(start, length).ConfigureAwait(false));
                }
                catch (EngramException failure) when (results.Count > 0)
                {
                    throw new EngramBatchException(failure, results, count);
                }
            }

            return results;
        }

        /// <summary>
        /// The same chunks, results and failure rule, with each chunk's preparation (work without side effects:
        /// embedding, hashing) split from its storing so the next chunk is prepared on the thread pool while the
        /// current one is stored. Chunks are still stored one after the other in input order, so an item can
        /// merge into any item before it exactly as with <see cref="StoreAsync(int, Func{int, int, Task{IReadOnlyList{StoreMemoryResult}}})"/>.
        /// A failure or cancellation stops the preparation ahead and waits for it, so nothing runs on after the call.
        /// </summary>
        /// <param name="count">How many items the caller asked to store.</param>
        /// <param name="prepare">Prepares the items from <c>start</c>, <c>length</c> of them.</param>
        /// <param name="storeChunk">
        /// Stores the items from <c>start</c>, <c>length</c> of them; its third argument gives their preparation
        /// (started on the first call for the first chunk, so a chunk's own checks can come first).
        /// </param>
        /// <param name="cancellationToken">Stops the preparation (storing honours its own token).</param>
        public static async Task<IReadOnlyList<StoreMemoryResult>> StoreAsync<TPrepared>(
            int count,
            Func<int, int, CancellationToken, Task<TPrepared>> prepare,
            Func<int, int, Func<Task<TPrepared>>, Task<IReadOnlyList<StoreMemoryResult>>> storeChunk,
            CancellationToken cancellationToken)
        {
            if (count <= EngramLimits.MaxBatchSize)
            {
                return await storeChunk(0, count, () => prepare(0, count, cancellationToken)).ConfigureAwait(false);
            }

            var results = new List<StoreMemoryResult>(count);
            using var ahead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task<TPrepared>? current = null, next = null;
            try
            {
                for (var start = 0; start < count; start += EngramLimits.MaxBatchSize)
                {
                    var length = Math.Min(EngramLimits.MaxBatchSize, count - start);
                    current = next;
                    var nextStart = start + length;
                    next = nextStart < count
                        ? Task.Run(() => prepare(nextStart, Math.Min(EngramLimits.MaxBatchSize, count - nextStart), ahead.Token), ahead.Token)
                        : null;
                    var chunkStart = start;
                    var ready = current;
                    Func<Task<TPrepared>> prepared = ready == null ? () => prepare(chunkStart, length, ahead.Token) : () => ready;
                    try
                    {
                        results.AddRange(await storeChunk(start, length, prepared).ConfigureAwait(false));
                    }
                    catch (EngramException failure) when (results.Count > 0)
                    {
                        throw new EngramBatchException(failure, results, count);
                    }

                    current = null;
                }
            }
            finally
            {
                // Only after a failure or cancellation: what was prepared ahead will not be stored.
                if (current != null || next != null)
                {
                    ahead.Cancel();
                    await ObserveAsync(current).ConfigureAwait(false);
                    await ObserveAsync(next).ConfigureAwait(false);
                }
            }

            return results;
        }

        private static async Task ObserveAsync(Task? task)
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
}
