@{
    Synopsis    = 'Gets the canonical profile of a bucket.'
    Description = @'
A bucket's profile is a summary that a Bucket Profiler agent keeps of its memories; queries use it as context. Get-EngramProfile returns the latest snapshot with its Status: ready (a snapshot exists), pending (the profiler has not produced one yet) or not_installed (no profiler on the bucket).
'@
    Parameters  = @{
        Bucket = 'The buckets: exact (case-sensitive) names or wildcards (user-*). A name that matches no bucket is a non-terminating EngramBucketNotFound error naming the closest buckets. Default: default. Binds from the BucketName property of piped objects.'
    }
    Examples    = @(
        @{
            Title   = 'Read a profile'
            Code    = 'Connect-Engram -Local -InMemory
''Alice prefers dark mode.'' | Add-EngramMemory -Bucket user-alice | Out-Null
Get-EngramProfile -Bucket user-alice'
            Remarks = 'Status is not_installed until a profiler is installed (see Update-EngramProfile -Install).'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'A bucket name.' })
    Outputs     = 'The bucket''s profile and its status. Profile is text, or PowerShell objects when the service''s profile is JSON text (as the hosted profiler writes it); UpdatedAt is a [DateTimeOffset].'
    Links       = @('Update-EngramProfile')
}
