using System;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Runtime;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Add-EngramMemory: stores memories. Pipeline input is batched (contiguous inputs for the same bucket,
    /// BatchSize per request, ThrottleLimit requests in flight) and reported one result per input, in input order.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "EngramMemory")]
    [OutputType(typeof(MemoryStoreResult))]
    public sealed class AddEngramMemoryCommand : EngramServiceCmdlet
    {
        private const int ProgressActivityId = 0x4E47;
        private const string ProgressActivity = "Adding Engram memories";

        private MemoryBatchWriter? _writer;
        private long _nextIndex;
        private bool _progressShown;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Text", "Memory", "Fact")]
        [MemoryContentTransformation]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[] Content { get; set; } = Array.Empty<string>();

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string? Bucket { get; set; }

        [Parameter]
        public DedupPolicy Dedup { get; set; } = DedupPolicy.Loose;

        [Parameter]
        [ValidateRange(1, EngramLimits.MaxBatchSize)]
        public int BatchSize { get; set; } = EngramLimits.MaxBatchSize;

        [Parameter]
        [ValidateRange(1, 16)]
        public int ThrottleLimit { get; set; } = 4;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            DedupPolicy? dedup = MyInvocation.BoundParameters.ContainsKey(nameof(Dedup)) ? Dedup : (DedupPolicy?)null;
            _writer = new MemoryBatchWriter(
                Service,
                dedup,
                BatchSize,
                ThrottleLimit,
                Start,
                WaitForCompletion,
                OnStored,
                OnFailed,
                StopToken);
        }

        protected override void ProcessRecord()
        {
            var bucket = string.IsNullOrWhiteSpace(Bucket) ? EngramLimits.DefaultBucket : Bucket!.Trim();
            foreach (var content in Content ?? Array.Empty<string>())
            {
                var index = _nextIndex++;
                var target = DescribeInput(index, bucket, content);
                if (string.IsNullOrWhiteSpace(content))
                {
                    WriteError(EngramErrorRecords.Create(
                        new ArgumentException("Input " + index + " has no content: an empty or whitespace memory is not stored."),
                        "EngramEmptyContent",
                        ErrorCategory.InvalidData,
                        target,
                        "Give every input a non-empty Content (or Text, Memory, Fact) value."));
                    continue;
                }

                if (content.Length > EngramLimits.MaxContentLength)
                {
                    WriteError(EngramErrorRecords.Create(
                        new ArgumentException("Input " + index + " has " + content.Length + " characters; a memory holds at most " + EngramLimits.MaxContentLength + "."),
                        "EngramContentTooLarge",
                        ErrorCategory.InvalidData,
                        target,
                        "Split the text into smaller, atomic memories."));
                    continue;
                }

                _writer!.Add(new PendingMemory(index, null, bucket, content, target));
            }
        }

        protected override void EndProcessing()
        {
            _writer?.Flush();
            if (_progressShown)
            {
                CompleteProgress(ProgressActivityId, ProgressActivity);
            }
        }

        internal static PSObject DescribeInput(long index, string bucket, string? content)
        {
            var target = new PSObject();
            target.Properties.Add(new PSNoteProperty("Index", index));
            target.Properties.Add(new PSNoteProperty("Bucket", bucket));
            target.Properties.Add(new PSNoteProperty("Content", content));
            return target;
        }

        private void OnStored(PendingMemory item, StoreMemoryResult result)
        {
            WriteObject(new MemoryStoreResult(item.Index, item.LineNumber, item.Content, result));
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
                WriteProgressStatus(ProgressActivityId, ProgressActivity, done + " memories sent");
            }
        }
    }
}
