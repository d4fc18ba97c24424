using System;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Update-EngramProfile: asks the bucket's profiler to regenerate the profile and returns the latest snapshot.
    /// On a local connection -Install first installs the local profiler on the bucket.
    /// </summary>
    [Cmdlet(VerbsData.Update, "EngramProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(BucketProfile))]
    public sealed class UpdateEngramProfileCommand : EngramServiceCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string Bucket { get; set; } = EngramLimits.DefaultBucket;

        [Parameter]
        public SwitchParameter Install { get; set; }

        protected override void ProcessRecord()
        {
            var connection = ResolveConnection();
            if (Install && connection.LocalService == null)
            {
                ThrowTerminatingError(EngramErrorRecords.Create(
                    new InvalidOperationException("-Install works only on a local connection (Connect-Engram -Local)."),
                    EngramErrorIds.InstallNeedsLocal,
                    ErrorCategory.InvalidOperation,
                    Bucket,
                    "On Lumetra Engram, install the Bucket Profiler agent from the dashboard; locally, connect with Connect-Engram -Local."));
            }

            var action = Install ? "Install the profiler and regenerate the profile" : "Regenerate the profile";
            if (!ShouldProcess("bucket '" + Bucket + "'", action))
            {
                return;
            }

            var bucket = Bucket;
            var local = connection.LocalService;
            if (Install && local != null)
            {
                if (!TryRun(ct => local.InstallProfilerAsync(bucket, ct), bucket))
                {
                    return;
                }

                WriteVerbose("Installed the local profiler on '" + bucket + "'.");
            }

            if (TryRun(ct => Service.RegenerateProfileAsync(bucket, ct), bucket, out var profile))
            {
                WriteObject(new BucketProfile(bucket, profile));
            }
        }
    }
}
