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
    /// Stores a stream of inputs in batches: each bucket collects its inputs, wherever they come in the
    /// stream, into batches of BatchSize, so rows whose buckets interleave (a, b, a, b…) still go in full
    /// batches; up to ThrottleLimit batches are in flight at once; results come back strictly in input order.
    /// A failed batch reports a failure for each of its items and the rest goes on.
    /// Used from the pipeline thread only; the sending happens on the thread pool.
    /// </summary>
    internal sealed class MemoryBatchWriter
    {
        /// <summary>
        /// How many inputs may wait (unsent, or sent but not yet reported) before the bucket holding the
        /// oldest of them is sent even if its batch is not full: bounds memory, and keeps results flowing
        /// when a rare bucket would otherwise hold back every result after its first input.
        /// </summary>
        private readonly int _maxWaiting;

        private readonly Func<Func<CancellationToken, Task<IReadOnlyList<StoreMemoryResult>>>, Task<IReadOnlyList<StoreMemoryResult>>> _start;
        private readonly Action<Task> _wait;
        private readonly IEngramService _service;
        private readonly DedupPolicy? _dedup;
        private readonly int _batchSize;
        private readonly int _throttleLimit;
        private readonly Action<PendingMemory, StoreMemoryResult> _onStored;
        private readonly Action<PendingMemory, Exception> _onFailed;
        private readonly Action<string, int> _onSending;
        private readonly CancellationToken _stopToken;

        /// <summary>Every input not yet reported, in input order.</summary>
        private readonly Queue<Slot> _waiting = new Queue<Slot>();

        /// <summary>Per bucket, the inputs not yet sent (a batch being filled).</summary>
        private readonly Dictionary<string, List<Slot>> _filling = new Dictionary<string, List<Slot>>(StringComparer.Ordinal);

        private readonly List<SentBatch> _inFlight = new List<SentBatch>();

        /// <summary>
        /// <c>start</c> starts a send off the pipeline thread (the cmdlet's Start, so traces flow); <c>wait</c>
        /// waits for a task on the pipeline thread while pumping messages, without throwing its failure;
        /// <c>onSending</c> hears of each batch (bucket, size) as it is sent, for -Verbose.
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
            Action<string, int> onSending,
            CancellationToken stopToken)
        {
            _stopToken = stopToken;
            _service = service;
            _dedup = dedup;
            _batchSize = Math.Max(1, Math.Min(batchSize, EngramLimits.MaxBatchSize));
            _throttleLimit = Math.Max(1, throttleLimit);
            // Room for every batch in flight plus one filling batch for each of a few buckets.
            _maxWaiting = _batchSize * (_throttleLimit + 8);
            _start = start;
            _wait = wait;
            _onStored = onStored;
            _onFailed = onFailed;
            _onSending = onSending;
        }

        /// <summary>How many inputs have been reported (stored, merged or failed).</summary>
        public long Completed { get; private set; }

        public void Add(PendingMemory item)
        {
            var slot = new Slot(item);
            _waiting.Enqueue(slot);
            if (!_filling.TryGetValue(item.Bucket, out var batch))
            {
                batch = new List<Slot>(_batchSize);
                _filling.Add(item.Bucket, batch);
            }

            batch.Add(slot);
            if (batch.Count >= _batchSize)
            {
                Send(item.Bucket);
            }

            Harvest(block: false);

            // Too much held back behind the oldest input: send its bucket now, part-full if need be, and wait.
            while (_waiting.Count > _maxWaiting)
            {
                if (!_waiting.Peek().Sent)
                {
                    Send(_waiting.Peek().Item.Bucket);
                }
                else if (_inFlight.Count > 0)
                {
                    Harvest(block: true);
                }
                else
                {
                    break;
                }
            }
        }

        /// <summary>Sends what is left and reports everything; call at the end of input.</summary>
        public void Flush()
        {
            // Oldest first, so the results that can be reported first are sent first.
            foreach (var bucket in _waiting.Where(s => !s.Sent).Select(s => s.Item.Bucket).Distinct(StringComparer.Ordinal).ToList())
            {
                Send(bucket);
            }

            while (_inFlight.Count > 0)
            {
                Harvest(block: true);
            }

            ReportReady();
        }

        private void Send(string bucket)
        {
            if (!_filling.TryGetValue(bucket, out var slots) || slots.Count == 0)
            {
                return;
            }

            // Keep at most ThrottleLimit batches in flight: make room by finishing the first to complete.
            while (_inFlight.Count >= _throttleLimit)
            {
                Harvest(block: true);
            }

            _filling.Remove(bucket);
            foreach (var slot in slots)
            {
                slot.Sent = true;
            }

            _onSending(bucket, slots.Count);
            Task<IReadOnlyList<StoreMemoryResult>> task;
            if (slots.Any(s => s.Item.IsRestore))
            {
                var memories = slots.Select(s => new MemoryRestoreItem(s.Item.Content, s.Item.OriginalId, s.Item.CreatedAt)).ToList();
                task = _start(ct => _service.RestoreMemoriesAsync(bucket, memories, _dedup, ct));
            }
            else
            {
                var contents = slots.Select(s => s.Item.Content).ToList();
                task = _start(ct => _service.StoreMemoriesAsync(bucket, contents, _dedup, ct));
            }

            _inFlight.Add(new SentBatch(slots, task));
        }

        /// <summary>
        /// Takes the results of finished batches (with <paramref name="block"/>, waits for at least one first)
        /// and reports every input whose turn has come.
        /// </summary>
        private void Harvest(bool block)
        {
            if (block && _inFlight.Count > 0 && !_inFlight.Any(b => b.Task.IsCompleted))
            {
                _wait(Task.WhenAny(_inFlight.Select(b => (Task)b.Task)));
            }

            for (var i = 0; i < _inFlight.Count; i++)
            {
                var batch = _inFlight[i];
                if (batch.Task.IsCompleted)
                {
                    _inFlight.RemoveAt(i--);
                    Settle(batch);
                }
            }

            ReportReady();
        }

        private void Settle(SentBatch batch)
        {
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

            for (var i = 0; i < batch.Slots.Count; i++)
            {
                var slot = batch.Slots[i];
                slot.Done = true;
                if (results != null && i < results.Count)
                {
                    slot.Result = results[i];
                }
                else
                {
                    slot.Failure = failure ?? new EngramException(
                        "The service returned " + (results?.Count ?? 0) + " results for a batch of " + batch.Slots.Count + " memories; this one got none.", 0);
                }
            }
        }

        /// <summary>Reports inputs from the front of the stream for as long as their results are in.</summary>
        private void ReportReady()
        {
            while (_waiting.Count > 0 && _waiting.Peek().Done)
            {
                var slot = _waiting.Dequeue();
                Completed++;
                if (slot.Result != null)
                {
                    _onStored(slot.Item, slot.Result);
                }
                else
                {
                    _onFailed(slot.Item, slot.Failure!);
                }
            }
        }

        private sealed class Slot
        {
            public Slot(PendingMemory item) => Item = item;

            public PendingMemory Item { get; }

            public bool Sent { get; set; }

            public bool Done { get; set; }

            public StoreMemoryResult? Result { get; set; }

            public Exception? Failure { get; set; }
        }

        private sealed record SentBatch(List<Slot> Slots, Task<IReadOnlyList<StoreMemoryResult>> Task);
    }
}
