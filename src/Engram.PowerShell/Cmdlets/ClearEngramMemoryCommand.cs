using System.Management.Automation;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Clear-EngramMemory: deletes every memory of a bucket; the bucket stays. Asks first unless -Force.</summary>
    [Cmdlet(VerbsCommon.Clear, "EngramMemory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ClearBucketResult))]
    public sealed class ClearEngramMemoryCommand : EngramServiceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string Bucket { get; set; } = "";

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcessUnlessForced("bucket '" + Bucket + "'", "Delete every memory", Force))
            {
                return;
            }

            // The service would clear a missing bucket "successfully" (§17 Q9): a typo must not look like success.
            var bucket = Bucket;
            if (!RequireBucket(bucket))
            {
                return;
            }

            if (TryRun(ct => Service.ClearMemoriesAsync(bucket, ct), bucket, out var result))
            {
                WriteObject(new ClearBucketResult(bucket, result.Success, result.ClearedCount));
            }
        }
    }
}
