using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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
                TryRun(ct => DeleteAsync(bucket, id, ct), id);
            }
        }

        /// <summary>The protocol's "Memory not found" says neither which memory nor where: this error says both.</summary>
        private async Task DeleteAsync(string bucket, string id, CancellationToken cancellationToken)
        {
            try
            {
                await Service.DeleteMemoryAsync(bucket, id, cancellationToken).ConfigureAwait(false);
            }
            catch (EngramException ex) when (ex.Status == 404 && ex.Code != EngramErrorCodes.BucketNotFound)
            {
                throw new EngramException(
                    "Memory '" + id + "' was not found in bucket '" + bucket + "'. Get-EngramMemory -Bucket '" + bucket + "' lists its memories.",
                    ex.Status, ex.Body, EngramErrorCodes.MemoryNotFound, ex);
            }
        }
    }
}
