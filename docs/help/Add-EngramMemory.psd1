@{
    Synopsis    = 'Stores memories (facts) in an Engram bucket, one by one or in bulk from the pipeline.'
    Description = @'
Add-EngramMemory stores each input as one memory. Strings bind by value; objects bind by property name, so the rows of Import-Csv with a Content, Text, Memory or Fact column (and optionally a Bucket or BucketName column) work directly.

Bucket rule: -Bucket given on the command line applies to every input. Without it, each input's own Bucket (or BucketName) property is used, and inputs with neither go to the bucket named default.

Pipeline input is sent in batches: contiguous inputs for the same bucket are grouped into requests of at most -BatchSize memories, and up to -ThrottleLimit requests are in flight at once. The results come out one per input, in input order, each with its Index (0-based input position), Status (stored, or merged when deduplication folded it into an existing memory: see DedupedInto, MergeReason and SimilarityScore), Id and Bucket.

Nothing is dropped silently: a piped object without a Content, Text, Memory or Fact property is reported (not stored as its "@{...}" text form); an empty or whitespace input, or one longer than 100,000 characters, gets a non-terminating error without being sent; when a request fails, each of its inputs gets a non-terminating error (the input is the error's TargetObject) and the rest goes on.
'@
    Parameters  = @{
        Content       = 'The text of the memory: one atomic, declarative fact works best. Takes several values, strings from the pipeline, and the Content, Text, Memory or Fact property of piped objects.'
        Bucket        = 'The bucket to store into. Given on the command line it applies to every input; otherwise each piped object''s Bucket or BucketName property is used; default: default. The bucket is created when it does not exist.'
        Dedup         = 'How the service deduplicates: Off (always store), Loose (merge near-duplicates, similarity >= 0.95) or Strict (merge only near-identical text, >= 0.99). Default: the service''s default, Loose.'
        BatchSize     = 'How many memories one request carries, 1 to 100. Default 100.'
        ThrottleLimit = 'How many batch requests may be in flight at once, 1 to 16. Default 4.'
    }
    Examples    = @(
        @{
            Title   = 'Store one fact'
            Code    = 'Connect-Engram -Local -InMemory
Add-EngramMemory -Content ''The on-call rotation changes on Mondays.'' -Bucket ops'
            Remarks = 'Returns one result with Status stored and the new memory''s Id.'
        }
        @{
            Title   = 'Bulk load a CSV'
            Code    = 'Connect-Engram -Local -InMemory
@(
    [pscustomobject]@{ Fact = ''Database backups run at 02:00.'' }
    [pscustomobject]@{ Fact = ''The VPN gateway is vpn.example.com.'' }
) | Export-Csv -Path ./facts.csv -NoTypeInformation
Import-Csv ./facts.csv | Add-EngramMemory -Bucket ops -Dedup Strict'
            Remarks = 'Each CSV row binds through its Fact column; one result per row, in row order.'
        }
        @{
            Title   = 'Route rows to their own buckets'
            Code    = 'Connect-Engram -Local -InMemory
@(
    [pscustomobject]@{ Bucket = ''team-a''; Text = ''Team A deploys on Tuesdays.'' }
    [pscustomobject]@{ Bucket = ''team-b''; Text = ''Team B deploys on Thursdays.'' }
) | Add-EngramMemory'
            Remarks = 'Without -Bucket, each object''s Bucket property decides where it goes.'
        }
    )
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'The content of a memory.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Content, Text, Memory or Fact property, and optionally Bucket or BucketName.' }
    )
    Outputs     = 'One result per input, in input order.'
    Links       = @('Get-EngramMemory', 'Import-EngramMemory', 'Invoke-EngramQuery')
}
