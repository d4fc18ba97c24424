@{
    Synopsis    = 'Lists the buckets of your Engram tenant.'
    Description = @'
Get-EngramBucket lists buckets with their memory counts, sorted by name. -Name selects by exact name or by wildcards (ops-*); both are case-sensitive, as bucket names are, so Get-EngramBucket -Name PROD | Remove-EngramBucket never touches prod. A name without wildcards that matches nothing gives a non-terminating EngramBucketNotFound error that names the closest buckets ("Did you mean 'prod'?").

Bucket objects carry a BucketName alias, so they pipe into the -Bucket parameter of Get-EngramMemory, Invoke-EngramQuery (one answer per bucket), Export-EngramMemory, Clear-EngramMemory and the profile cmdlets, and into Remove-EngramBucket.
'@
    Parameters  = @{
        Name = 'Bucket names to return: exact (case-sensitive) names or wildcards, matched case-sensitively. Default: every bucket.'
    }
    Examples    = @(
        @{
            Title   = 'All buckets, and some'
            Code    = 'Connect-Engram -Local -InMemory
New-EngramBucket -Name ops-eu | Out-Null
New-EngramBucket -Name ops-us | Out-Null
Get-EngramBucket
Get-EngramBucket -Name ops-*'
            Remarks = 'Lists every bucket, then the buckets whose names start with ops-.'
        }
        @{
            Title   = 'Back up every bucket'
            Code    = 'Connect-Engram -Local -InMemory
''a fact'' | Add-EngramMemory -Bucket notes | Out-Null
Get-EngramBucket | Export-EngramMemory -Path ./all-buckets.jsonl'
            Remarks = 'Writes the memories of every bucket into one JSON Lines file.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'Bucket names or wildcard patterns.' })
    Outputs     = 'The buckets.'
    Links       = @('New-EngramBucket', 'Remove-EngramBucket')
}
