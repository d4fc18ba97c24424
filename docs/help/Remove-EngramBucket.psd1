@{
    Synopsis    = 'Deletes a bucket and all its memories.'
    Description = @'
Remove-EngramBucket deletes buckets together with every memory they hold. The name is required: there is no default and an empty name is rejected. The name is exact and case-sensitive (no wildcards): removing PROD never touches prod. A bucket that does not exist gives a non-terminating EngramBucketNotFound error naming the closest buckets.

Because this cannot be undone, it asks for confirmation (ConfirmImpact High). -Force skips the question; -WhatIf still sends nothing.
'@
    Parameters  = @{
        Name  = 'The bucket to delete. Required. Binds from the Name or BucketName property of piped objects.'
        Force = 'Deletes without asking for confirmation.'
    }
    Examples    = @(
        @{
            Title   = 'Delete a bucket in a script'
            Code    = 'Connect-Engram -Local -InMemory
New-EngramBucket -Name scratch | Out-Null
Remove-EngramBucket -Name scratch -Force'
            Remarks = 'Deletes the bucket without a prompt.'
        }
        @{
            Title   = 'Delete several, with a preview'
            Code    = 'Connect-Engram -Local -InMemory
''tmp-1'', ''tmp-2'' | New-EngramBucket | Out-Null
Get-EngramBucket -Name tmp-* | Remove-EngramBucket -WhatIf'
            Remarks = 'Shows which buckets would be deleted and deletes nothing.'
        }
    )
    Inputs      = @(@{ Type = 'Engram.PowerShell.EngramBucket'; Description = 'Buckets from Get-EngramBucket, or bucket names.' })
    Links       = @('Get-EngramBucket', 'Clear-EngramMemory')
}
