using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Engram.Client;

namespace Engram.PowerShell.Runtime
{
    /// <summary>
    /// One input waiting to be stored: where it came from (its index, and line for imports), where it goes,
    /// what it says, and what the user passed in (the TargetObject of its error). A restored memory also has
    /// the id and creation time it had (<see cref="OriginalId"/>, <see cref="CreatedAt"/>) for the restore extension.
    /// </summary>
    internal sealed record PendingMemory(long Index, int? LineNumber, string Bucket, string Content, object? Input, string? OriginalId = null, string? CreatedAt = null)
    {
        public bool IsRestore => OriginalId != null || CreatedAt != null;
    }

    /// <summary>
    /// Stores a stream of inputs in batches: contiguous inputs for the same bucket form a batch of at most
    /// BatchSize items; up to ThrottleLimit batches are in flight at once; results come back strictly in
    /// input order. A failed batch reports a failure for each of its items and the rest goes on.
    /// Used from the pipeline thread only; the sending happens on the thread pool.
    /// </summary>
    internal sealed class MemoryBatchWriter
    {
        private readonly Func<Func<CancellationToken, Task<IReadOnlyList<StoreMemoryResult>>>, Task<IReadOnlyList<StoreMemoryResult>>> _start;
        private readonly Action<Task> _wait;
        private readonly IEngramService _service;
        private readonly DedupPolicy? _dedup;
        private readonly int _batchSize;
        private readonly int _throttleLimit;
        private readonly Action<PendingMemory, StoreMemoryResult> _onStored;
        private readonly Action<PendingMemory, Exception> _onFailed;
        private readonly CancellationToken _stopToken;
        private readonly Queue<SentBatch> _inFlight = new Queue<SentBatch>();
        private List<PendingMemory> _run = new List<PendingMemory>();

        /// <summary>
        /// <c>start</c> starts a send off the pipeline thread (the cmdlet's Start, so traces flow); <c>wait</c>
        /// waits for a task on the pipeline thread while pumping messages, without throwing its failure.
        /// </summary>
        public MemoryBatchWriter(
            IEngramService service,
            DedupPolicy? dedup,
            int batchSize,
            int throttleLimit,
            Func<Func<CancellationToken, Task<IReadOnlyList<StoreMemoryResult>>>, Task<IReadOnlyList<StoreMemoryResult>>> start,
            Action<Task> wait,
            Action<PendingMemory, StoreMemoryResult> onStored,
            Action<PendingMemory, Exception> onFailed,
            CancellationToken stopToken)
        {
            _stopToken = stopToken;
            _service = service;
            _dedup = dedup;
            _batchSize = Math.Max(1, Math.Min(batchSize, EngramLimits.MaxBatchSize));
            _throttleLimit = Math.Max(1, throttleLimit);
            _start = start;
            _wait = wait;
            _onStored = onStored;
            _onFailed = onFailed;
        }

        /// <summary>How many inputs have been reported (stored, merged or failed).</summary>
        public long Completed { get; private set; }

        public void Add(PendingMemory item)
        {
            if (_run.Count > 0 && !string.Equals(_run[0].Bucket, item.Bucket, StringComparison.Ordinal))
            {
                SendRun();
            }

            _run.Add(item);
            if (_run.Count >= _batchSize)
            {
                SendRun();
            }

            ReportFinished(block: false);
        }

        /// <summary>Sends what is left and reports everything; call at the end of input.</summary>
        public void Flush()
        {
            SendRun();
            while (_inFlight.Count > 0)
            {
                ReportFront(block: true);
            }
        }

        private void SendRun()
        {
            if (_run.Count == 0)
            {
                return;
            }

            // Keep at most ThrottleLimit batches in flight: make room by reporting the oldest first.
            while (_inFlight.Count >= _throttleLimit)
            {
                ReportFront(block: true);
            }

            var items = _run;
            _run = new List<PendingMemory>();
            var bucket = items[0].Bucket;
            Task<IReadOnlyList<StoreMemoryResult>> task;
            if (items.Any(i => i.IsRestore))
            {
                var memories = items.Select(i => new MemoryRestoreItem(i.Content, i.OriginalId, i.CreatedAt)).ToList();
                task = _start(ct => _service.RestoreMemoriesAsync(bucket, memories, _dedup, ct));
            }
            else
            {
                var contents = items.Select(i => i.Content).ToList();
                task = _start(ct => _service.StoreMemoriesAsync(bucket, contents, _dedup, ct));
            }

            _inFlight.Enqueue(new SentBatch(items, task));
        }

        private void ReportFinished(bool block)
        {
            while (_inFlight.Count > 0 && (block || _inFlight.Peek().Task.IsCompleted))
            {
                ReportFront(block);
            }
        }

        private void ReportFront(bool block)
        {
            var batch = _inFlight.Peek();
            if (block || !batch.Task.IsCompleted)
            {
                _wait(batch.Task);
            }

            _inFlight.Dequeue();
            IReadOnlyList<StoreMemoryResult>? results = null;
            Exception? failure = null;
            try
            {
                results = batch.Task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stopToken.IsCancellationRequested)
            {
                throw new System.Management.Automation.PipelineStoppedException();
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            if (failure is EngramBatchException partial)
            {
                // Part of the batch was stored before the failure: report those, fail only the rest.
                results = partial.StoredResults;
            }

            for (var i = 0; i < batch.Items.Count; i++)
            {
                var item = batch.Items[i];
                Completed++;
                if (results != null && i < results.Count)
                {
                    _onStored(item, results[i]);
                }
                else
                {
                    _onFailed(item, failure ?? new EngramException(
                        "The service returned " + (results?.Count ?? 0) + " results for a batch of " + batch.Items.Count + " memories; this one got none.", 0));
                }
            }
        }

        private sealed record SentBatch(List<PendingMemory> Items, Task<IReadOnlyList<StoreMemoryResult>> Task);
    }
}
