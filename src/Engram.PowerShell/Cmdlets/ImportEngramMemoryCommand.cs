using System;
using System.IO;
using System.Management.Automation;
using Engram.Client;
using Engram.PowerShell.Backup;
using Engram.PowerShell.Binding;
using Engram.PowerShell.Errors;
using Engram.PowerShell.Runtime;

namespace Engram.PowerShell.Cmdlets
{
    /// <summary>
    /// Import-EngramMemory: restores an Export-EngramMemory file (JSON Lines) in batches, into each line's
    /// bucket or into -Bucket. A bad line is reported with its line number and skipped; the rest goes on.
    /// Each line's id and created_at go along (the restore extension): Engram Local keeps them and skips a
    /// memory whose id the bucket already holds, so importing a file twice stores nothing twice; a server that
    /// cannot keep ids assigns new ones, and each result maps <c>OriginalId</c> to <c>Id</c>.
    /// </summary>
    [Cmdlet(VerbsData.Import, "EngramMemory")]
    [OutputType(typeof(MemoryStoreResult))]
    public sealed class ImportEngramMemoryCommand : MemoryWriterCmdlet
    {
        private long _nextIndex;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string? Bucket { get; set; }

        /// <summary>A restore keeps every line, near-duplicates too, unless -Dedup says otherwise.</summary>
        private protected override DedupPolicy? UnboundDedup => DedupPolicy.Off;

        private protected override int ProgressActivityId => 0x4E4A;

        private protected override string ProgressActivity => "Importing Engram memories";

        private protected override string ProgressUnit => "memories restored";

        protected override void ProcessRecord()
        {
            foreach (var path in Path)
            {
                var fullPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                if (!File.Exists(fullPath))
                {
                    WriteError(EngramErrorRecords.Create(
                        new FileNotFoundException("The backup file '" + fullPath + "' does not exist.", fullPath),
                        EngramErrorIds.ImportFileNotFound,
                        ErrorCategory.ObjectNotFound,
                        path,
                        "Give the path of a file written by Export-EngramMemory."));
                    continue;
                }

                ImportFile(fullPath);
            }
        }

        private void ImportFile(string fullPath)
        {
            using (var reader = new BackupLineReader(fullPath))
            {
                while (reader.TryReadLine(out var line))
                {
                    var lineNumber = reader.LineNumber;
                    var where = fullPath + ":" + lineNumber;
                    if (line == null)
                    {
                        SkipLine(fullPath, lineNumber, where, "it is not valid UTF-8 text");
                        continue;
                    }

                    if (string.IsNullOrWhiteSpace(line))
                    {
                        continue;
                    }

                    MemoryBackupRecord record;
                    try
                    {
                        record = MemoryBackupFormat.Parse(line);
                    }
                    catch (FormatException ex)
                    {
                        SkipLine(fullPath, lineNumber, where, ex.Message);
                        continue;
                    }

                    var bucket = !string.IsNullOrWhiteSpace(Bucket) ? Bucket!
                        : !string.IsNullOrWhiteSpace(record.Bucket) ? record.Bucket!
                        : EngramLimits.DefaultBucket;
                    var content = record.Content!;
                    if (FitsInAMemory(content, "Line " + lineNumber + " of '" + fullPath + "'", where))
                    {
                        Enqueue(new PendingMemory(_nextIndex++, lineNumber, bucket, content, where, record.Id, record.CreatedAt));
                    }
                }
            }
        }

        /// <summary>A non-terminating error naming the line; the import goes on with the next line.</summary>
        private void SkipLine(string fullPath, int lineNumber, string where, string why) =>
            WriteError(EngramErrorRecords.Create(
                new FormatException("Line " + lineNumber + " of '" + fullPath + "' was skipped: " + why + "."),
                EngramErrorIds.ImportInvalidLine,
                ErrorCategory.InvalidData,
                where,
                "Fix or remove the line; every line must be a UTF-8 JSON object with a \"content\" string, as Export-EngramMemory writes."));
    }
}
