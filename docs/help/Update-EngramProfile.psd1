@{
    Synopsis    = 'Regenerates the profile of a bucket.'
    Description = @'
Update-EngramProfile asks the bucket's Bucket Profiler to build a new profile and returns the latest snapshot (on Lumetra Engram the new one may still be in the works).

A bucket without a profiler gives the error EngramHttp412 (code BUCKET_PROFILER_NOT_INSTALLED); its recommended action says how to install one. On Lumetra Engram, install it from the dashboard. On a local connection (Connect-Engram -Local), -Install installs the local profiler first.
'@
    Parameters  = @{
        Bucket  = 'The bucket. Default: default. Binds from the BucketName property of piped objects.'
        Install = 'Local connections only: installs the local profiler on the bucket before regenerating.'
    }
    Examples    = @(
        @{
            Title   = 'Profile a local bucket'
            Code    = 'Connect-Engram -Local -InMemory
''Alice prefers dark mode.'', ''Alice works from Lisbon.'' | Add-EngramMemory -Bucket user-alice | Out-Null
Update-EngramProfile -Bucket user-alice -Install'
            Remarks = 'Installs the local profiler and returns the new profile with Status ready.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'A bucket name.' })
    Outputs     = 'The bucket''s latest profile.'
    Links       = @('Get-EngramProfile')
}
