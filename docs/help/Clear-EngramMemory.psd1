@{
    Synopsis    = 'Deletes every memory of a bucket; the bucket itself stays.'
    Description = @'
Clear-EngramMemory deletes all memories of one bucket and reports how many it deleted. The bucket must be named explicitly: there is no default and an empty name is rejected, so a script cannot wipe the wrong bucket by accident.

Because this cannot be undone, it asks for confirmation (ConfirmImpact High). -Force skips the question; -WhatIf still sends nothing.
'@
    Parameters  = @{
        Bucket = 'The bucket to empty: an exact, case-sensitive name (no wildcards). A bucket that does not exist is a non-terminating EngramBucketNotFound error naming the closest buckets, never a success. Required; no default.'
        Force  = 'Clears without asking for confirmation.'
    }
    Examples    = @(
        @{
            Title   = 'Empty a scratch bucket in a script'
            Code    = 'Connect-Engram -Local -InMemory
''a'', ''b'' | Add-EngramMemory -Bucket scratch | Out-Null
Clear-EngramMemory -Bucket scratch -Force'
            Remarks = 'Returns Bucket scratch, ClearedCount 2.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'A bucket name, by property name (Bucket or BucketName).' })
    Outputs     = 'The bucket and how many memories were deleted.'
    Links       = @('Remove-EngramMemory', 'Remove-EngramBucket')
}
