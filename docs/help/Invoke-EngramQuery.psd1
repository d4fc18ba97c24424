@{
    Synopsis    = 'Asks Engram a question over one or more buckets and returns the answer with the memories it is based on.'
    Description = @'
Invoke-EngramQuery retrieves the memories most relevant to the question (hybrid keyword, vector and knowledge-graph search, fused over all buckets given) and, unless -SkipSynthesis, has the service write an answer from them.

The result (Engram.PowerShell.QueryAnswer) has the Answer, FinalAnswer (the text after a "FINAL ANSWER:" marker, if any), the retrieved Memories with their scores and buckets, graph facts, profiles and token Usage. Its default view shows the answer and the memories it cites.

-Stream shows the answer on the host as it is written (as Write-Host does, so the output pipeline stays clean) and then outputs the same result object as without -Stream. Ctrl+C aborts the request.

-ReturnFormat Json asks for a JSON answer; AnswerJson then holds it as PowerShell objects, as ConvertFrom-Json would make them. -ResponseSchema (a hashtable or JSON text) describes the shape you want and implies -ReturnFormat Json.
'@
    Parameters  = @{
        Question         = 'The question, in natural language. Takes strings from the pipeline, one query each.'
        Bucket           = 'The buckets to search and fuse: exact (case-sensitive) names or wildcards (op*), matched against the bucket list. A name that matches no bucket is a non-terminating EngramBucketNotFound error naming the closest buckets, and is not searched; when none is left, nothing is asked. Binds from the BucketName property of piped objects: Get-EngramBucket | Invoke-EngramQuery ''question'' asks each bucket in turn. Default: default.'
        TopK             = 'How many memories to retrieve per bucket, 1 to 100. Default 8.'
        TopKPerBucket    = 'Retrieval depth per bucket: one number for every bucket, or a hashtable such as @{ docs = 20; chat = 4 } (buckets not listed use -TopK).'
        SkipSynthesis    = 'Only retrieves memories; no answer is written and Answer is empty. Fast and needs no model provider.'
        NoExplanation    = 'Leaves out the explanation (retrieved memories, graph facts, profiles); MemoriesFound is still reported.'
        MaxTokens        = 'Caps the length of the answer, in tokens. Default: the service''s default.'
        MinSimilarity    = 'Drops memories whose raw similarity to the question (0 to 1) is below this value.'
        MinWeightedScore = 'Drops memories whose ranking score (the Score shown for each memory) is below this value.'
        ReturnFormat     = 'Prose (default) or Json. With Json the answer is also returned parsed, in AnswerJson.'
        ResponseSchema   = 'A JSON Schema for a JSON answer, as a hashtable, a PSCustomObject or JSON text. A hint to the writer, not validated. Implies -ReturnFormat Json.'
        Stream           = 'Shows the answer on the host while it is being written, then outputs the full result.'
    }
    Examples    = @(
        @{
            Title   = 'Ask a question'
            Code    = 'Connect-Engram -Local -InMemory
''The deploy window is Tuesday 10:00 UTC.'', ''Deploys need two approvals.'' | Add-EngramMemory -Bucket ops | Out-Null
Invoke-EngramQuery ''When is the deploy window?'' -Bucket ops'
            Remarks = 'Shows the answer and the memories it cites, with bucket and score.'
        }
        @{
            Title   = 'Stream the answer, keep the object'
            Code    = 'Connect-Engram -Local -InMemory
''The deploy window is Tuesday 10:00 UTC.'' | Add-EngramMemory -Bucket ops | Out-Null
$answer = Invoke-EngramQuery ''When is the deploy window?'' -Bucket ops -Stream
$answer.Memories | Format-Table'
            Remarks = 'The answer appears as it is written; $answer is the same object a buffered call returns.'
        }
        @{
            Title   = 'Retrieval only, several buckets'
            Code    = 'Connect-Engram -Local -InMemory
''Team A deploys on Tuesdays.'' | Add-EngramMemory -Bucket team-a | Out-Null
''Team B deploys on Thursdays.'' | Add-EngramMemory -Bucket team-b | Out-Null
(Invoke-EngramQuery ''deploy days'' -Bucket team-a, team-b -SkipSynthesis -TopKPerBucket @{ ''team-a'' = 3; ''team-b'' = 1 }).Memories'
            Remarks = 'Returns the ranked memories from both buckets without writing an answer.'
        }
    )
    Inputs      = @(@{ Type = 'System.String'; Description = 'A question.' })
    Outputs     = 'The answer, the memories it is based on, and the rest of the explanation.'
    Links       = @('Add-EngramMemory', 'Get-EngramProfile')
}
