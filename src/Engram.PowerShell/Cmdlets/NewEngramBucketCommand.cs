using System.Management.Automation;
using Engram.Client;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>New-EngramBucket: creates a bucket.</summary>
    [Cmdlet(VerbsCommon.New, "EngramBucket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(EngramBucket))]
    public sealed class NewEngramBucketCommand : EngramServiceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess("bucket '" + Name + "'", "Create"))
            {
                return;
            }

            var name = Name;
            var description = string.IsNullOrEmpty(Description) ? null : Description;
            if (TryRun(ct => Service.CreateBucketAsync(name, description, ct), name, out var bucket))
            {
                WriteObject(BucketOutput.Wrap(bucket));
            }
        }
    }
}
