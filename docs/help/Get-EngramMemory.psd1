@{
    Synopsis    = 'Lists the memories of a bucket, newest first.'
    Description = @'
Get-EngramMemory lists a bucket's memories, newest first. Without paging parameters it returns one page (20) and warns when the bucket holds more, for example: "Showing 20 of 153 memories in 'ops'. Use -All or -First to get more."

-First and -Skip select a range (read in pages of 100); -IncludeTotalCount reports the bucket's total first. -All streams every memory page by page with a progress bar, never holding the whole bucket in memory.

-All is a snapshot: it emits every memory that existed when it started (and still exists when reached) exactly once, and nothing added later, so Get-EngramMemory -All | Remove-EngramMemory removes them all and Get-EngramMemory -All | Add-EngramMemory into the same bucket ends. It pages by a stable key through the cursor extension of the list endpoint (Engram Local, in-process and over HTTP). Limit: a server without that extension pages only by offset; then -All reads the whole bucket before emitting anything (memory grows with the bucket, and another client's writes during that read can still make it miss or repeat memories; repeats are dropped).

With several buckets (-Bucket ops, team or -Bucket op*), -First, -Skip and -All apply to each bucket.

Each memory has Bucket, Id, Content, CreatedAt (a [DateTimeOffset], so Where-Object CreatedAt -lt (Get-Date).AddDays(-30) works) and TokenCount. The output pipes into Remove-EngramMemory, Add-EngramMemory (to copy memories) and Export-EngramMemory: Id and Bucket bind by property name.
'@
    Parameters  = @{
        Bucket = 'The buckets to list, bucket by bucket (each memory carries its Bucket). Exact, case-sensitive names, or wildcards (op*) matched case-sensitively against the bucket list. A name that matches no bucket is a non-terminating EngramBucketNotFound error naming the closest buckets; -ErrorAction SilentlyContinue or Ignore opts out. Default: default. Binds from the BucketName property of piped objects, such as Get-EngramBucket output.'
        All    = 'Returns every memory of the bucket as a snapshot taken at the start, page by page, with progress.'
    }
    Examples    = @(
        @{
            Title   = 'The newest memories'
            Code    = 'Connect-Engram -Local -InMemory
1..30 | ForEach-Object { "Fact number $_" } | Add-EngramMemory -Bucket ops | Out-Null
Get-EngramMemory -Bucket ops'
            Remarks = 'Shows 20 memories and warns that the bucket holds 30.'
        }
        @{
            Title   = 'A range, and everything'
            Code    = 'Connect-Engram -Local -InMemory
1..30 | ForEach-Object { "Fact number $_" } | Add-EngramMemory -Bucket ops | Out-Null
Get-EngramMemory -Bucket ops -First 5 -Skip 10
(Get-EngramMemory -Bucket ops -All).Count'
            Remarks = 'Memories 11 to 15 (newest first), then the count of all 30.'
        }
        @{
            Title   = 'Several buckets, and a typo'
            Code    = 'Connect-Engram -Local -InMemory
''Deploys happen on Tuesdays.'' | Add-EngramMemory -Bucket ops | Out-Null
''The on-call rota starts Monday.'' | Add-EngramMemory -Bucket ops-eu | Out-Null
Get-EngramMemory -Bucket op* | Format-Table BucketName, Content
Get-EngramMemory -Bucket opz -ErrorAction SilentlyContinue -ErrorVariable missing
$missing[0].Exception.Message'
            Remarks = 'Lists the memories of ops and ops-eu; then "Bucket ''opz'' was not found (bucket names are case-sensitive). Did you mean ''ops''?"'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'A bucket name, by property name (Bucket or BucketName).' })
    Outputs     = 'The memories, newest first.'
    Links       = @('Add-EngramMemory', 'Remove-EngramMemory', 'Export-EngramMemory')
}
