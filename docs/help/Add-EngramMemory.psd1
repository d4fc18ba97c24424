@{
    Synopsis    = 'Stores memories (facts) in an Engram bucket, one by one or in bulk from the pipeline.'
    Description = @'
Add-EngramMemory stores each input as one memory. -Content takes the text itself. From the pipeline it takes strings, and objects such as the rows of Import-Csv: the text comes from their Content, Text, Memory or Fact column, from the one column -ContentProperty names, or from a -Template that builds it from any columns ('{Host} ({Team}): {Description}'). A row without the column the command needs gets a non-terminating error naming the column and listing the row's columns; the other rows are stored.

Bucket rule: -Bucket applies to every input, whatever bucket column the input has (so Get-EngramMemory -Bucket a -All | Add-EngramMemory -Bucket b copies a bucket); when it overrides an input's own Bucket (or BucketName) column, a warning says so once. Without -Bucket, each input's own Bucket or BucketName column is used, and inputs without one (or with an empty one) go to -DefaultBucket, else to the bucket named default.

Pipeline input is sent in batches per bucket: each bucket's inputs are grouped into requests of at most -BatchSize memories wherever they come in the stream, so rows whose buckets interleave (a, b, a, b...) still go in full batches; up to -ThrottleLimit requests are in flight at once; -Verbose shows each batch (bucket and size) as it is sent. A bucket's part-full batch is sent at the end, or early when more than BatchSize x (ThrottleLimit + 8) inputs wait behind its oldest input (that bounds memory and keeps results flowing). The results come out one per input, in input order, each with its Index (0-based input position), Status (stored, or merged when deduplication folded it into an existing memory: see DedupedInto, MergeReason and SimilarityScore), Id and Bucket.

Nothing is dropped silently: a piped object without a Content, Text, Memory or Fact property is reported (not stored as its "@{...}" text form); an empty or whitespace input, or one longer than 100,000 characters, gets a non-terminating error without being sent; when a request fails, each of its inputs gets a non-terminating error (the input is the error's TargetObject) and the rest goes on.
'@
    Parameters  = @{
        Content         = 'The text of the memory: one atomic, declarative fact works best. Takes several values. An object given here is read through its Content, Text, Memory or Fact property.'
        InputObject     = 'What the pipeline sends: a string (the text), or an object whose columns hold the text (see -ContentProperty and -Template) and optionally the bucket (Bucket or BucketName).'
        ContentProperty = 'The property (column) of each piped object that holds the text, for example Description. Not case-sensitive.'
        Template        = 'Builds the text of each piped object from its columns: column names in braces, for example ''{Host} ({Team}): {Description}''; {{ and }} are literal braces. Column names are not case-sensitive; a missing column is an error for that input.'
        Bucket          = 'The bucket every input goes to, overriding any Bucket or BucketName column of the inputs (with a warning when it does). Without it, each input''s own bucket column is used. The bucket is created when it does not exist.'
        DefaultBucket   = 'The bucket for inputs without a Bucket or BucketName column (or with an empty one); inputs with one keep theirs. Default: default. Cannot be combined with -Bucket.'
        Dedup           = 'How the service deduplicates: Off (always store), Loose (merge near-duplicates, similarity >= 0.95) or Strict (merge only near-identical text, >= 0.99). Default: the service''s default, Loose.'
        BatchSize       = 'How many memories one request carries, 1 to 100. Default 100.'
        ThrottleLimit   = 'How many batch requests may be in flight at once, 1 to 16. Default 4.'
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
            Title   = 'Build memories from any CSV columns'
            Code    = 'Connect-Engram -Local -InMemory
@(
    [pscustomobject]@{ Host = ''db-01''; Team = ''data''; Description = ''primary PostgreSQL for billing'' }
    [pscustomobject]@{ Host = ''web-07''; Team = ''web''; Description = ''serves the status page'' }
) | Export-Csv -Path ./inventory.csv -NoTypeInformation
Import-Csv ./inventory.csv | Add-EngramMemory -Template ''{Host} ({Team}): {Description}'' -Bucket inventory
Import-Csv ./inventory.csv | Add-EngramMemory -ContentProperty Description -Bucket descriptions'
            Remarks = 'The first stores "db-01 (data): primary PostgreSQL for billing" and "web-07 (web): serves the status page"; the second stores the Description column alone.'
        }
        @{
            Title   = 'Route rows to their own buckets, with a default for the rest'
            Code    = 'Connect-Engram -Local -InMemory
@(
    [pscustomobject]@{ Bucket = ''team-a''; Text = ''Team A deploys on Tuesdays.'' }
    [pscustomobject]@{ Bucket = ''''; Text = ''Everyone deploys through the release pipeline.'' }
) | Add-EngramMemory -DefaultBucket shared -Verbose'
            Remarks = 'The first row goes to team-a, the second (empty bucket column) to shared; -Verbose shows one batch per bucket.'
        }
    )
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'The content of a memory.' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Content, Text, Memory or Fact property (or the columns -ContentProperty or -Template name), and optionally Bucket or BucketName.' }
    )
    Outputs     = 'One result per input, in input order.'
    Links       = @('Get-EngramMemory', 'Import-EngramMemory', 'Invoke-EngramQuery')
}
