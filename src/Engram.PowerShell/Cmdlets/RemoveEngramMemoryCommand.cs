using System;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Remove-EngramMemory: deletes memories by id; takes Get-EngramMemory output from the pipeline.</summary>
    [Cmdlet(VerbsCommon.Remove, "EngramMemory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    public sealed class RemoveEngramMemoryCommand : EngramServiceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("MemoryId")]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = Array.Empty<string>();

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string Bucket { get; set; } = EngramLimits.DefaultBucket;

        protected override void ProcessRecord()
        {
            foreach (var id in Id)
            {
                if (!ShouldProcess("memory " + id + " in bucket '" + Bucket + "'", "Remove"))
                {
                    continue;
                }

                var bucket = Bucket;
                TryRun(ct => Service.DeleteMemoryAsync(bucket, id, ct), id);
            }
        }
    }
}
