using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Get-EngramMemory: buckets' memories, newest first, bucket by bucket. One page by default (with a warning
    /// when there are more), -First/-Skip for a range, -All for everything, page by page; each applies per bucket.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "EngramMemory", SupportsPaging = true, DefaultParameterSetName = PageSet)]
    [OutputType(typeof(EngramMemory))]
    public sealed class GetEngramMemoryCommand : EngramServiceCmdlet
    {
        private const string PageSet = "Page";
        private const string AllSet = "All";
        private const int ProgressActivityId = 0x4E48;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string[] Bucket { get; set; } = { EngramLimits.DefaultBucket };

        /// <summary>The bucket being read: one of those -Bucket selects.</summary>
        private string _bucket = EngramLimits.DefaultBucket;

        [Parameter(ParameterSetName = AllSet, Mandatory = true)]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var bucket in ResolveBuckets(Bucket))
            {
                _bucket = bucket;
                if (All.IsPresent)
                {
                    ListAll();
                }
                else
                {
                    ListPages();
                }
            }
        }

        private void ListPages()
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
            var activity = "Reading memories of '" + _bucket + "'";
            var totalWritten = false;

            while (returned < wanted)
            {
                var limit = (int)Math.Min((ulong)pageSize, wanted - returned);
                if (offset > int.MaxValue)
                {
                    break;
                }

                var at = (int)offset;
                if (!TryRun(ct => Service.ListMemoriesAsync(_bucket, limit, at, ct), _bucket, out var page))
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
                    WriteMemory(memory);
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

            if (!firstGiven && total >= 0 && (ulong)total > skip + returned)
            {
                WriteWarning(string.Format(
                    CultureInfo.InvariantCulture,
                    "Showing {0} of {1} memories in '{2}'. Use -All or -First to get more.",
                    returned,
                    total,
                    _bucket));
            }
        }

        /// <summary>
        /// -All as a snapshot: pages by the list endpoint's cursor extension (a stable key), so the memories that
        /// existed at the start are each emitted once, whatever this pipeline or another client adds or deletes
        /// meanwhile, and nothing added later is. One page in memory at a time.
        /// </summary>
        private void ListAll()
        {
            var activity = "Reading memories of '" + _bucket + "'";
            var skip = PagingParameters.Skip;
            var cursor = MemoryCursors.NewestFirst;
            ulong seen = 0;
            var totalWritten = false;
            while (true)
            {
                var at = cursor;
                if (!TryRun(ct => Service.ListMemoriesFromCursorAsync(_bucket, EngramLimits.MaxListLimit, at, ct), _bucket, out var page))
                {
                    return;
                }

                if (!page.SupportsCursor)
                {
                    ListAllBuffered(activity, skip, totalWritten);
                    return;
                }

                if (PagingParameters.IncludeTotalCount && !totalWritten)
                {
                    WriteObject(PagingParameters.NewTotalCount((ulong)Math.Max(0, page.Total), 1.0));
                    totalWritten = true;
                }

                foreach (var memory in page.Memories)
                {
                    if (seen++ >= skip)
                    {
                        WriteMemory(memory);
                    }
                }

                if (page.Total > 0)
                {
                    WriteProgressStatus(ProgressActivityId, activity, seen + " of " + page.Total, (int)Math.Min(100, seen * 100 / (ulong)page.Total));
                }

                if (page.NextCursor == null)
                {
                    break;
                }

                cursor = page.NextCursor;
            }

            CompleteProgress(ProgressActivityId, activity);
        }

        /// <summary>
        /// -All against a server without the cursor extension: §16 pages only by offset, which shift under
        /// deletes and inserts. The safest the protocol allows is to read every page before emitting any
        /// (so this pipeline's own deletes and adds cannot shift them), dropping ids seen twice. The cost: the
        /// whole bucket is held in memory, and another client's writes during the read can still shift pages.
        /// </summary>
        private void ListAllBuffered(string activity, ulong skip, bool totalWritten)
        {
            WriteVerbose("The server does not page by cursor; reading all of '" + _bucket + "' before emitting it.");
            var memories = new List<Memory>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var offset = 0;
            while (true)
            {
                var at = offset;
                if (!TryRun(ct => Service.ListMemoriesAsync(_bucket, EngramLimits.MaxListLimit, at, ct), _bucket, out var page))
                {
                    return;
                }

                if (PagingParameters.IncludeTotalCount && !totalWritten)
                {
                    WriteObject(PagingParameters.NewTotalCount((ulong)Math.Max(0, page.Total), 1.0));
                    totalWritten = true;
                }

                foreach (var memory in page.Memories)
                {
                    if (ids.Add(memory.Id))
                    {
                        memories.Add(memory);
                    }
                }

                offset += page.Memories.Count;
                if (page.Memories.Count < EngramLimits.MaxListLimit || offset >= page.Total)
                {
                    break;
                }
            }

            for (var i = (int)Math.Min(skip, (ulong)memories.Count); i < memories.Count; i++)
            {
                WriteMemory(memories[i]);
            }

            CompleteProgress(ProgressActivityId, activity);
        }

        private void WriteMemory(Memory memory) => WriteObject(new EngramMemory(memory, _bucket));
    }
}
