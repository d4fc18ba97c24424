@{
    Synopsis    = 'Restores memories from an Export-EngramMemory file.'
    Description = @'
Import-EngramMemory reads a JSON Lines file (one object with a "content" string per line, as Export-EngramMemory writes) and stores the memories in batches, into the bucket named on each line unless -Bucket says otherwise. It outputs one store result per line, in file order, with the line number.

Each line's id and created_at go along. Engram Local (Connect-Engram -Local, or Start-EngramLocalServer over HTTP) keeps both, so a restore is faithful: same ids, same creation times. A memory whose id the bucket already holds is not stored again (Status merged, MergeReason same_id), so importing the same file twice stores nothing twice. When another bucket of the same engine holds the id (a copy with -Bucket), the copy gets a new id derived from the original, and a second import of the copy again stores nothing.

The hosted Engram service has no way to set ids or creation times (wire protocol section 16): it assigns new ids and stamps the import time. Each result's OriginalId is the id from the file and Id the new one, so you can map old ids to new. There a second import of the same file stores everything again unless you pass -Dedup Strict, which merges exact repeats (and near-identical lines, similarity 0.99 or more).

A line that is not UTF-8, not valid JSON (a lone UTF-16 surrogate escape included) or has no content gives a non-terminating EngramImportInvalidLine error naming the line number; the rest goes on and nothing read before it is lost. Deduplication is Off by default so a restore keeps every memory, even near-duplicates.
'@
    Parameters  = @{
        Path          = 'The files to read. Binds from the FullName property of piped files (Get-ChildItem *.jsonl | Import-EngramMemory).'
        Bucket        = 'Stores every memory into this bucket instead of the bucket named on each line.'
        Dedup         = 'Off (default: store every line), Loose or Strict; see Add-EngramMemory.'
        BatchSize     = 'How many memories one request carries, 1 to 100. Default 100.'
        ThrottleLimit = 'How many batch requests may be in flight at once, 1 to 16. Default 4.'
    }
    Examples    = @(
        @{
            Title   = 'Restore a backup into another bucket'
            Code    = 'Connect-Engram -Local -InMemory
''The deploy window is Tuesday.'' | Add-EngramMemory -Bucket ops | Out-Null
Export-EngramMemory -Bucket ops -Path ./ops.jsonl | Out-Null
Import-EngramMemory -Path ./ops.jsonl -Bucket ops-restored'
            Remarks = 'Copies every memory of ops into ops-restored.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'File paths, by value or by the FullName property.' })
    Outputs     = 'One store result per imported line: LineNumber, Status, Id, OriginalId (the id in the file), Bucket.'
    Links       = @('Export-EngramMemory', 'Add-EngramMemory')
}
