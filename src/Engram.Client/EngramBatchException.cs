using System;
using System.Collections.Generic;

namespace Engram.Client
{
    /// <summary>
    /// A batch store failed after earlier chunks (of at most <see cref="EngramLimits.MaxBatchSize"/> items)
    /// were already stored. <see cref="StoredResults"/> holds their results, in input order, so nothing the
    /// server accepted is lost; retry with the remaining items (from index <see cref="StoredResults"/>.Count).
    /// Status, Body and Code are those of the failed request.
    /// </summary>
    public sealed class EngramBatchException : EngramException
    {
        public EngramBatchException(EngramException failure, IReadOnlyList<StoreMemoryResult> storedResults, int totalCount)
            : base(
                (failure ?? throw new ArgumentNullException(nameof(failure))).Message +
                " (" + storedResults.Count + " of " + totalCount + " memories were stored before this failure)",
                failure.Status,
                failure.Body,
                failure.Code,
                failure)
        {
            StoredResults = storedResults;
            TotalCount = totalCount;
            RetryAfter = failure.RetryAfter;
        }

        /// <summary>Results of the items stored before the failure (the first <c>StoredResults.Count</c> inputs).</summary>
        public IReadOnlyList<StoreMemoryResult> StoredResults { get; }

        /// <summary>Number of items the caller asked to store.</summary>
        public int TotalCount { get; }
    }
}
