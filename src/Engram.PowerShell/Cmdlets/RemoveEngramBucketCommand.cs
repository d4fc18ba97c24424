using System.Management.Automation;
using Engram.PowerShell.Binding;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>Remove-EngramBucket: deletes a bucket and all its memories. Asks first unless -Force.</summary>
    [Cmdlet(VerbsCommon.Remove, "EngramBucket", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    public sealed class RemoveEngramBucketCommand : EngramServiceCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName", "Bucket")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string Name { get; set; } = "";

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            // Exact and case-sensitive: removing PROD never touches prod. A missing name is reported with the closest ones.
            if (!RequireBucket(Name))
            {
                return;
            }

            if (!ShouldProcessUnlessForced("bucket '" + Name + "' and all its memories", "Delete", Force))
            {
                return;
            }

            var name = Name;
            TryRun(ct => Service.DeleteBucketAsync(name, ct), name);
        }
    }
}
