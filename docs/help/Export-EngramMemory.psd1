@{
    Synopsis    = 'Backs up buckets to a JSON Lines file.'
    Description = @'
Export-EngramMemory writes the memories of one or more buckets to a file, one JSON object per line: id, bucket, content, created_at and token_count. Memories are written oldest first, so Import-EngramMemory recreates them in their original order.

The export reads page by page (never a whole bucket in memory) and shows progress. Each bucket is a snapshot: every memory that existed when its export started is written once, whatever other clients write meanwhile, and nothing added later is (it pages by the stable key of the list endpoint's cursor extension). Limit: against a server without that extension it pages by offset, and concurrent writes by other clients can make it miss memories. The file appears only when the export is complete: until then it is written as <Path>.partial, which is removed if the export fails or is stopped. It returns a summary with the path, the buckets and the number of memories.
'@
    Parameters  = @{
        Bucket    = 'The buckets to export: exact (case-sensitive) names or wildcards (ops*). A name that matches no bucket is a non-terminating EngramBucketNotFound error naming the closest buckets; with no bucket left, no file is written. Binds from the BucketName property of piped objects, such as Get-EngramBucket output.'
        Path      = 'The file to write. It is replaced if it exists, unless -NoClobber.'
        NoClobber = 'Fails instead of replacing an existing file.'
    }
    Examples    = @(
        @{
            Title   = 'Back up a bucket'
            Code    = 'Connect-Engram -Local -InMemory
''The deploy window is Tuesday.'' | Add-EngramMemory -Bucket ops | Out-Null
Export-EngramMemory -Bucket ops -Path ./ops-backup.jsonl'
            Remarks = 'Writes one line per memory and returns MemoryCount 1.'
        }
        @{
            Title   = 'Migrate from the local engine to a server'
            Code    = 'Connect-Engram -Local -InMemory
''The deploy window is Tuesday.'' | Add-EngramMemory -Bucket ops | Out-Null
Export-EngramMemory -Bucket ops -Path ./ops.jsonl | Out-Null
$server = Start-EngramLocalServer -InMemory
$remote = $server | Connect-Engram -PassThru
Import-EngramMemory -Path ./ops.jsonl -Connection $remote
Stop-EngramLocalServer'
            Remarks = 'Exports from one connection and restores into another.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'Bucket names, by value or by property name.' })
    Outputs     = 'A summary of the export.'
    Links       = @('Import-EngramMemory', 'Get-EngramBucket')
}
