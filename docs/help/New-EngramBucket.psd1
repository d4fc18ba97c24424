@{
    Synopsis    = 'Creates a bucket.'
    Description = @'
New-EngramBucket creates a named bucket, optionally with a description. Storing into a bucket that does not exist also creates it, so this is mostly useful to set a description or to fail early: an existing name gives a non-terminating EngramHttp409 error (category ResourceExists).
'@
    Parameters  = @{
        Name        = 'The bucket name.'
        Description = 'A free-text description of the bucket.'
    }
    Examples    = @(
        @{
            Title   = 'Create a bucket'
            Code    = 'Connect-Engram -Local -InMemory
New-EngramBucket -Name runbooks -Description ''Operational runbooks'''
            Remarks = 'Returns the new bucket.'
        }
        @{
            Title   = 'Create it if it is missing'
            Code    = 'Connect-Engram -Local -InMemory
New-EngramBucket -Name runbooks -ErrorAction SilentlyContinue | Out-Null
New-EngramBucket -Name runbooks -ErrorAction SilentlyContinue | Out-Null
Get-EngramBucket -Name runbooks'
            Remarks = 'The second call fails with EngramHttp409, which -ErrorAction SilentlyContinue ignores.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'Bucket names.' })
    Outputs     = 'The new bucket.'
    Links       = @('Get-EngramBucket', 'Remove-EngramBucket')
}
