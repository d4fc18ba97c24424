@{
    Synopsis    = 'Restores memories from an Export-EngramMemory file.'
    Description = @'
Import-EngramMemory reads a JSON Lines file (one object with a "content" string per line, as Export-EngramMemory writes) and stores the memories in batches, into the bucket named on each line unless -Bucket says otherwise. It outputs one store result per line, in file order, with the line number.

A line that is not valid JSON or has no content gives a non-terminating EngramImportInvalidLine error naming the line number; the rest goes on. Deduplication is Off by default so a restore keeps every memory, even near-duplicates; use -Dedup Strict to make a repeated import skip what is already there.
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
    Outputs     = 'One store result per imported line.'
    Links       = @('Export-EngramMemory', 'Add-EngramMemory')
}
