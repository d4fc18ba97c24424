using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using Engram.Client;
using Engram.PowerShell.Backup;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Export-EngramMemory: writes buckets' memories to a JSON Lines file, oldest first, page by page (never a
    /// whole bucket in memory). The file appears only when the export completed: it is written beside the
    /// target and moved into place at the end, so a failed or stopped export leaves no half-written backup.
    /// </summary>
    [Cmdlet(VerbsData.Export, "EngramMemory")]
    [OutputType(typeof(ExportResult))]
    public sealed class ExportEngramMemoryCommand : EngramServiceCmdlet
    {
        private const int ProgressActivityId = 0x4E49;
        private const int PageSize = EngramLimits.MaxListLimit;

        private readonly List<string> _buckets = new List<string>();
        private StreamWriter? _writer;
        private string? _targetPath;
        private string? _partialPath;
        private long _count;
        private bool _failed;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string[] Bucket { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        protected override void BeginProcessing()
        {
            // Fails on a missing connection before any file is created.
            base.BeginProcessing();
            _targetPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (NoClobber && File.Exists(_targetPath))
            {
                ThrowTerminatingError(EngramErrorRecords.Create(
                    new IOException("The file '" + _targetPath + "' already exists."),
                    EngramErrorIds.ExportFileExists,
                    ErrorCategory.ResourceExists,
                    _targetPath,
                    "Pick another -Path, or leave out -NoClobber to overwrite it."));
            }

            _partialPath = _targetPath + ".partial";
            try
            {
                _writer = new StreamWriter(new FileStream(_partialPath, FileMode.Create, FileAccess.Write, FileShare.None), new UTF8Encoding(false)) { NewLine = "\n" };
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                ThrowTerminatingError(EngramErrorRecords.Create(ex, EngramErrorIds.ExportFileError, ErrorCategory.WriteError, _targetPath, null));
            }
        }

        protected override void ProcessRecord()
        {
            var buckets = ResolveBuckets(Bucket);
            if (buckets.Count == 0)
            {
                // Only unknown names (each reported): no file for them.
                _failed = true;
            }

            foreach (var bucket in buckets)
            {
                if (TryExportBucket(bucket))
                {
                    _buckets.Add(bucket);
                }
                else
                {
                    _failed = true;
                }
            }
        }

        protected override void EndProcessing()
        {
            _writer!.Dispose();
            _writer = null;
            if (_failed && _buckets.Count == 0)
            {
                DeletePartial();
                return;
            }

            if (File.Exists(_targetPath))
            {
                File.Delete(_targetPath);
            }

            File.Move(_partialPath!, _targetPath!);
            _partialPath = null;
            WriteObject(new ExportResult(_targetPath!, _buckets, _count));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // Still open here means the export did not finish (stopped or failed): leave nothing behind.
                _writer?.Dispose();
                _writer = null;
                DeletePartial();
            }

            base.Dispose(disposing);
        }

        /// <summary>
        /// Lists newest first, so read the pages from the end and reverse each: the file goes oldest first,
        /// and importing it recreates the memories in their original order. False when the service failed (the
        /// error is written); a file error stops the command.
        /// </summary>
        private bool TryExportBucket(string bucket)
        {
            var activity = "Exporting memories of '" + bucket + "'";
            if (!TryRun(ct => Service.ListMemoriesFromCursorAsync(bucket, PageSize, MemoryCursors.OldestFirst, ct), bucket, out var cursorPage))
            {
                return false;
            }

            if (cursorPage.SupportsCursor)
            {
                return TryExportByCursor(bucket, activity, cursorPage);
            }

            WriteVerbose("The server does not page by cursor; exporting '" + bucket + "' by offset.");
            if (!TryRun(ct => Service.ListMemoriesAsync(bucket, 1, 0, ct), bucket, out var first))
            {
                return false;
            }

            var total = first.Total;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long written = 0;
            for (var end = total; end > 0; end -= PageSize)
            {
                var start = Math.Max(0, end - PageSize);
                var limit = end - start;
                if (!TryRun(ct => Service.ListMemoriesAsync(bucket, limit, start, ct), bucket, out var page))
                {
                    return false;
                }

                for (var i = page.Memories.Count - 1; i >= 0; i--)
                {
                    var memory = page.Memories[i];

                    // Ids already written show up again only if the bucket changed during the export.
                    if (!seen.Add(memory.Id))
                    {
                        continue;
                    }

                    _writer!.WriteLine(MemoryBackupFormat.ToLine(memory, bucket));
                    written++;
                }

                WriteProgressStatus(ProgressActivityId, activity, written + " of " + total, total == 0 ? 100 : (int)Math.Min(100, written * 100 / total));
            }

            _writer!.Flush();
            _count += written;
            CompleteProgress(ProgressActivityId, activity);
            WriteVerbose("Exported " + written + " memories from '" + bucket + "'.");
            return true;
        }

        /// <summary>
        /// The snapshot export: oldest first by the cursor extension's stable key, bounded by the bucket's newest
        /// memory at the start, so concurrent writes neither hide a memory that existed nor add one that did not.
        /// </summary>
        private bool TryExportByCursor(string bucket, string activity, ListMemoriesResult page)
        {
            var total = page.Total;
            long written = 0;
            while (true)
            {
                foreach (var memory in page.Memories)
                {
                    _writer!.WriteLine(MemoryBackupFormat.ToLine(memory, bucket));
                    written++;
                }

                WriteProgressStatus(ProgressActivityId, activity, written + " of " + total, total == 0 ? 100 : (int)Math.Min(100, written * 100 / total));
                var next = page.NextCursor;
                if (next == null)
                {
                    break;
                }

                if (!TryRun(ct => Service.ListMemoriesFromCursorAsync(bucket, PageSize, next, ct), bucket, out page))
                {
                    return false;
                }
            }

            _writer!.Flush();
            _count += written;
            CompleteProgress(ProgressActivityId, activity);
            WriteVerbose("Exported " + written + " memories from '" + bucket + "'.");
            return true;
        }

        private void DeletePartial()
        {
            if (_partialPath != null && File.Exists(_partialPath))
            {
                File.Delete(_partialPath);
            }

            _partialPath = null;
        }
    }
}
