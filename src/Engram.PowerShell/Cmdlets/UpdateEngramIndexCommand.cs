using System.Management.Automation;
using System.Security;
using Engram.Local;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Session;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Update-EngramIndex: rebuilds every vector of a local database with another embedder, so it can then be
    /// opened with that embedder. Shows progress; Ctrl+C stops it and a rerun resumes where it stopped.
    /// </summary>
    [Cmdlet(VerbsData.Update, "EngramIndex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(IndexUpdateResult))]
    public sealed class UpdateEngramIndexCommand : EmbedderCmdlet
    {
        private const int ProgressId = 1;
        private const string Activity = "Re-embedding memories";

        /// <summary>The SQLite file; default: the default local database.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("DatabasePath")]
        public string? Path { get; set; }

        /// <summary>Memories embedded per call and saved per commit.</summary>
        [Parameter]
        [ValidateRange(1, 4096)]
        public int BatchSize { get; set; } = ReembedOptions.DefaultBatchSize;

        protected override void ProcessRecord()
        {
            var fullPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? LocalEngine.DefaultDatabasePath);
            LocalEngineSettings settings;
            try
            {
                settings = BuildEngineSettings();
            }
            catch (System.ArgumentException ex)
            {
                ThrowServiceError(ex, fullPath);
                return;
            }

            if (!ShouldProcess(fullPath, "Re-embed every memory with " + settings.EmbedderDescription))
            {
                return;
            }

            if (LocalEngineRegistry.IsOpen(fullPath))
            {
                // The engine switches the vectors over at the end; an engine still open on the old ones would then refuse writes.
                ThrowServiceError(
                    new System.InvalidOperationException("The database " + fullPath + " is open in this session. Run Disconnect-Engram (and Stop-EngramLocalServer) for it first, then Update-EngramIndex, then connect with the new -Embedder."),
                    fullPath);
                return;
            }

            var reembed = new ReembedOptions
            {
                BatchSize = BatchSize,
                Progress = p => Post(() => WriteProgressStatus(
                    ProgressId, Activity, p.Done + " of " + p.Total + " memories", p.Total == 0 ? 100 : (int)(100L * p.Done / p.Total))),
            };
            var ok = TryRun(
                async ct =>
                {
                    var options = settings.CreateOptions(fullPath, out var owned);
                    using (owned)
                    {
                        return await LocalEngine.ReembedAsync(options, reembed, ct).ConfigureAwait(false);
                    }
                },
                fullPath,
                out var result);
            CompleteProgress(ProgressId, Activity);
            if (ok)
            {
                WriteObject(new IndexUpdateResult(fullPath, settings.EmbedderDescription, result.From, result.To, result.Embedded, result.ResumedWith));
            }
        }
    }
}
