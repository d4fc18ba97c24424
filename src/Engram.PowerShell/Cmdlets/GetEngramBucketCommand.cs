using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Get-EngramBucket: the tenant's buckets, optionally filtered by name with wildcards.</summary>
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

            foreach (var name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = buckets.Where(b => pattern.IsMatch(b.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(EngramErrorRecords.Create(
                        new ItemNotFoundException("Bucket '" + name + "' was not found."),
                        "EngramBucketNotFound",
                        ErrorCategory.ObjectNotFound,
                        name,
                        "Run Get-EngramBucket to list the buckets, or create it with New-EngramBucket."));
                    continue;
                }

                WriteBuckets(matches);
            }
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
