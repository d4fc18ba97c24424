using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Get-EngramProfile: buckets' canonical profiles and their status.</summary>
    [Cmdlet(VerbsCommon.Get, "EngramProfile")]
    [OutputType(typeof(BucketProfile))]
    public sealed class GetEngramProfileCommand : EngramServiceCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string[] Bucket { get; set; } = { EngramLimits.DefaultBucket };

        protected override void ProcessRecord()
        {
            foreach (var bucket in ResolveBuckets(Bucket))
            {
                if (TryRun(ct => Service.GetProfileAsync(bucket, ct), bucket, out var profile))
                {
                    WriteObject(new BucketProfile(bucket, profile));
                }
            }
        }
    }
}
