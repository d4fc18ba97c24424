@{
    Synopsis    = 'Deletes memories by id.'
    Description = @'
Remove-EngramMemory deletes memories from a bucket. It takes Get-EngramMemory output from the pipeline: Id and Bucket bind by property name (and the MemoryId and Bucket of Invoke-EngramQuery's Memories, or the Id and Bucket of Add-EngramMemory's results). A memory that does not exist gives a non-terminating EngramHttp404 error and the rest goes on. -WhatIf shows what would be deleted and sends nothing.
'@
    Parameters  = @{
        Id     = 'The ids of the memories to delete. Binds from the Id (or MemoryId) property of piped objects.'
        Bucket = 'The bucket the memories are in. Default: default. Binds from the Bucket (or BucketName) property of piped objects.'
    }
    Examples    = @(
        @{
            Title   = 'Delete memories that match a filter'
            Code    = 'Connect-Engram -Local -InMemory
''old: retired server db01'', ''current: db02 is primary'' | Add-EngramMemory -Bucket ops | Out-Null
Get-EngramMemory -Bucket ops -All | Where-Object Content -like ''old:*'' | Remove-EngramMemory -Confirm:$false'
            Remarks = 'Deletes only the memories whose content starts with "old:".'
        }
        @{
            Title   = 'Preview first'
            Code    = 'Connect-Engram -Local -InMemory
Add-EngramMemory -Content ''temporary note'' -Bucket scratch | Remove-EngramMemory -WhatIf'
            Remarks = 'Shows "What if: Performing the operation Remove on target memory ... in bucket ''scratch''" and deletes nothing.'
        }
    )
    Inputs      = @(@{ Type = 'Engram.PowerShell.EngramMemory'; Description = 'Memories from Get-EngramMemory (Id and Bucket bind by property name).' })
    Links       = @('Get-EngramMemory', 'Clear-EngramMemory')
}
