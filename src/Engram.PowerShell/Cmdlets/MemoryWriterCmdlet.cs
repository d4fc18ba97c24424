using System;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Runtime;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// What Add-EngramMemory and Import-EngramMemory share: -Dedup, -BatchSize and -ThrottleLimit, the size
    /// check of each memory, batched sending through <see cref="MemoryBatchWriter"/> with one result (or
    /// error) per memory in input order, and progress as the results come back.
    /// </summary>
    public abstract class MemoryWriterCmdlet : EngramServiceCmdlet
    {
        /// <summary>Batches in flight at once by default; the parameter allows up to <see cref="MaxThrottleLimit"/>.</summary>
        private const int DefaultThrottleLimit = 4;
        private const int MaxThrottleLimit = 16;

        private MemoryBatchWriter? _writer;
        private bool _progressShown;

        [Parameter]
        public DedupPolicy Dedup { get; set; }

        [Parameter]
        [ValidateRange(1, EngramLimits.MaxBatchSize)]
        public int BatchSize { get; set; } = EngramLimits.MaxBatchSize;

        [Parameter]
        [ValidateRange(1, MaxThrottleLimit)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>The policy sent when -Dedup is not given; null leaves the choice to the service.</summary>
        private protected abstract DedupPolicy? UnboundDedup { get; }

        private protected abstract int ProgressActivityId { get; }

        private protected abstract string ProgressActivity { get; }

        /// <summary>How the progress line counts the results, e.g. "memories sent".</summary>
        private protected abstract string ProgressUnit { get; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _writer = new MemoryBatchWriter(
                Service,
                IsBound(nameof(Dedup)) ? Dedup : UnboundDedup,
                BatchSize,
                ThrottleLimit,
                Start,
                WaitFor,
                OnStored,
                OnFailed,
                (bucket, count) => WriteVerbose("Sending a batch of " + count + (count == 1 ? " memory" : " memories") + " to '" + bucket + "'."),
                StopToken);
        }

        protected override void EndProcessing()
        {
            _writer?.Flush();
            if (_progressShown)
            {
                CompleteProgress(ProgressActivityId, ProgressActivity);
            }
        }

        /// <summary>
        /// True when <paramref name="content"/> fits in one memory; otherwise writes a non-terminating
        /// EngramContentTooLarge error naming <paramref name="describedAs"/> (e.g. "Input 3") and returns false.
        /// </summary>
        private protected bool FitsInAMemory(string content, string describedAs, object target)
        {
            if (content.Length <= EngramLimits.MaxContentLength)
            {
                return true;
            }

            WriteError(EngramErrorRecords.Create(
                new ArgumentException(describedAs + " has " + content.Length + " characters; a memory holds at most " + EngramLimits.MaxContentLength + "."),
                EngramErrorIds.ContentTooLarge,
                ErrorCategory.InvalidData,
                target,
                "Split the text into smaller, atomic memories."));
            return false;
        }

        /// <summary>Queues a checked memory; its result comes out in input order once its batch returns.</summary>
        private protected void Enqueue(PendingMemory item) => _writer!.Add(item);

        private void OnStored(PendingMemory item, StoreMemoryResult result)
        {
            WriteObject(new MemoryStoreResult(item.Index, item.LineNumber, item.Content, result, item.OriginalId));
            ShowProgress();
        }

        private void OnFailed(PendingMemory item, Exception failure)
        {
            WriteServiceError(failure, item.Input);
            ShowProgress();
        }

        private void ShowProgress()
        {
            var done = _writer!.Completed;
            if (done % BatchSize == 0)
            {
                _progressShown = true;
                WriteProgressStatus(ProgressActivityId, ProgressActivity, done + " " + ProgressUnit);
            }
        }
    }
}
