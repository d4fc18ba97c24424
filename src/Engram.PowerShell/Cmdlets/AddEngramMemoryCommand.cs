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
    public sealed class AddEngramMemoryCommand : MemoryWriterCmdlet
    {
        private long _nextIndex;

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

        /// <summary>Without -Dedup the service's own default (loose) applies.</summary>
        private protected override DedupPolicy? UnboundDedup => null;

        private protected override int ProgressActivityId => 0x4E47;

        private protected override string ProgressActivity => "Adding Engram memories";

        private protected override string ProgressUnit => "memories sent";

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
                        EngramErrorIds.EmptyContent,
                        ErrorCategory.InvalidData,
                        target,
                        "Give every input a non-empty Content (or Text, Memory, Fact) value."));
                    continue;
                }

                if (FitsInAMemory(content, "Input " + index, target))
                {
                    Enqueue(new PendingMemory(index, null, bucket, content, target));
                }
            }
        }

        private static PSObject DescribeInput(long index, string bucket, string? content)
        {
            var target = new PSObject();
            target.Properties.Add(new PSNoteProperty("Index", index));
            target.Properties.Add(new PSNoteProperty("Bucket", bucket));
            target.Properties.Add(new PSNoteProperty("Content", content));
            return target;
        }
    }
}
