using System;
using System.Collections.Generic;
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
    }
}
