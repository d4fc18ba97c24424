using System;
using System.Globalization;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Get-EngramMemory: a bucket's memories, newest first. One page by default (with a warning when there
    /// are more), -First/-Skip for a range, -All for everything, page by page.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "EngramMemory", SupportsPaging = true, DefaultParameterSetName = PageSet)]
    [OutputType(typeof(Memory))]
    public sealed class GetEngramMemoryCommand : EngramServiceCmdlet
    {
        private const string PageSet = "Page";
        private const string AllSet = "All";
        private const int ProgressActivityId = 0x4E48;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string Bucket { get; set; } = EngramLimits.DefaultBucket;

        [Parameter(ParameterSetName = AllSet, Mandatory = true)]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            var skip = PagingParameters.Skip;
            var first = PagingParameters.First;
            var firstGiven = IsBound("First");
            var streamAll = All.IsPresent;

            // Without -First or -All: one page, as the service's default page size, and say when there is more.
            var wanted = streamAll ? ulong.MaxValue : firstGiven ? first : (ulong)EngramLimits.DefaultListLimit;
            var pageSize = streamAll || firstGiven ? EngramLimits.MaxListLimit : EngramLimits.DefaultListLimit;
            ulong returned = 0;
            var offset = skip;
            var total = -1;
            var activity = "Reading memories of '" + Bucket + "'";
            var totalWritten = false;

            while (returned < wanted)
            {
                var limit = (int)Math.Min((ulong)pageSize, wanted - returned);
                if (offset > int.MaxValue)
                {
                    break;
                }

                var at = (int)offset;
                if (!TryRun(ct => Service.ListMemoriesAsync(Bucket, limit, at, ct), Bucket, out var page))
                {
                    return;
                }

                total = page.Total;
                if (PagingParameters.IncludeTotalCount && !totalWritten)
                {
                    WriteObject(PagingParameters.NewTotalCount((ulong)Math.Max(0, total), 1.0));
                    totalWritten = true;
                }

                foreach (var memory in page.Memories)
                {
                    if (string.IsNullOrEmpty(memory.BucketName))
                    {
                        // Older servers leave it out; the pipeline into Remove-EngramMemory needs it.
                        memory.BucketName = Bucket;
                    }

                    WriteObject(memory);
                }

                returned += (ulong)page.Memories.Count;
                offset += (ulong)page.Memories.Count;
                if (streamAll && total > 0)
                {
                    WriteProgressStatus(ProgressActivityId, activity, returned + " of " + total, (int)Math.Min(100, returned * 100 / (ulong)total));
                }

                if (page.Memories.Count < limit || offset >= (ulong)total)
                {
                    break;
                }
            }

            if (streamAll)
            {
                CompleteProgress(ProgressActivityId, activity);
            }
            else if (!firstGiven && total >= 0 && (ulong)total > skip + returned)
            {
                WriteWarning(string.Format(
                    CultureInfo.InvariantCulture,
                    "Showing {0} of {1} memories in '{2}'. Use -All or -First to get more.",
                    returned,
                    total,
                    Bucket));
            }
        }
    }
}
