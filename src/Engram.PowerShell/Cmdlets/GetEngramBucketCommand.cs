using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Get-EngramBucket: the tenant's buckets, optionally selected by exact (case-sensitive) names or wildcards.</summary>
    [Cmdlet(VerbsCommon.Get, "EngramBucket")]
    [OutputType(typeof(EngramBucket))]
    public sealed class GetEngramBucketCommand : EngramServiceCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName", "Bucket")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            if (!TryRun(ct => Service.ListBucketsAsync(ct), Name, out var buckets))
            {
                return;
            }

            if (Name == null)
            {
                WriteBuckets(buckets);
                return;
            }

            // The one bucket-name rule (exact and case-sensitive, or a wildcard), on the list just read; an exact
            // name that exists nowhere is reported with the closest names.
            RememberBuckets(buckets);
            var selected = ResolveBuckets(Name);
            WriteBuckets(buckets.Where(b => selected.Contains(b.Name, StringComparer.Ordinal)));
        }

        private void WriteBuckets(IEnumerable<Bucket> buckets)
        {
            foreach (var bucket in buckets.OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase))
            {
                WriteObject(BucketOutput.Wrap(bucket));
            }
        }
    }

    /// <summary>Bucket objects carry a BucketName alias (the wire's mirror field), so they pipe into -Bucket parameters.</summary>
    internal static class BucketOutput
    {
        public static PSObject Wrap(Bucket bucket)
        {
            var output = PSObject.AsPSObject(new EngramBucket(bucket));
            output.Properties.Add(new PSAliasProperty("BucketName", nameof(EngramBucket.Name)));
            return output;
        }
    }
}
