BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

Describe 'Invoke-EngramQuery over a <Mode> connection' -ForEach @(@{ Mode = 'Local' }, @{ Mode = 'Http' }) {
    BeforeAll {
        $script:ctx = New-TestConnection -Mode $Mode
        $script:c = $script:ctx.Connection
        $PSDefaultParameterValues = Use-TestConnection $script:c
        'The deploy window is Tuesday 10:00 UTC.', 'Deploys need two approvals from the release team.', 'Alice prefers dark mode in every editor.' |
            Add-EngramMemory -Bucket ops | Out-Null
        'Team B deploys on Thursdays after the standup.' | Add-EngramMemory -Bucket team-b | Out-Null
    }
    AfterAll { Remove-TestConnection $script:ctx }

    It 'answers from the bucket and cites the memories it used' {
        $r = Invoke-EngramQuery 'When is the deploy window?' -Bucket ops
        $r | Should -BeOfType Engram.PowerShell.QueryAnswer
        $r.Answer | Should -Match 'Tuesday'
        $r.MemoriesFound | Should -BeGreaterThan 0
        $r.Memories[0].Bucket | Should -Be 'ops'
        $r.Memories.Content | Should -Contain 'The deploy window is Tuesday 10:00 UTC.'
        $r.Buckets | Should -Be 'ops'
    }

    It 'takes questions from the pipeline' {
        $answers = 'deploy window?', 'dark mode?' | Invoke-EngramQuery -Bucket ops -SkipSynthesis
        $answers.Count | Should -Be 2
        $answers.Question | Should -Be 'deploy window?', 'dark mode?'
    }

    It 'retrieves without an answer with -SkipSynthesis, across buckets' {
        $r = Invoke-EngramQuery 'deploys' -Bucket ops, team-b -SkipSynthesis
        $r.Answer | Should -BeNullOrEmpty
        $r.Memories.Bucket | Sort-Object -Unique | Should -Be 'ops', 'team-b'
    }

    It 'limits the depth per bucket with -TopKPerBucket as a hashtable and as a number' {
        $r = Invoke-EngramQuery 'deploys approvals window' -Bucket ops, team-b -SkipSynthesis -TopKPerBucket @{ ops = 1; 'team-b' = 1 }
        @($r.Memories | Where-Object Bucket -eq 'ops').Count | Should -Be 1
        $r = Invoke-EngramQuery 'deploys approvals window' -Bucket ops -SkipSynthesis -TopKPerBucket 2
        @($r.Memories).Count | Should -BeLessOrEqual 2
        { Invoke-EngramQuery 'x' -TopKPerBucket @{ ops = 'many' } } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*'
    }

    It 'drops the explanation with -NoExplanation but still counts' {
        $r = Invoke-EngramQuery 'When is the deploy window?' -Bucket ops -NoExplanation
        $r.Memories.Count | Should -Be 0
        $r.MemoriesFound | Should -BeGreaterThan 0
    }

    It 'filters by -MinWeightedScore' {
        $r = Invoke-EngramQuery 'When is the deploy window?' -Bucket ops -SkipSynthesis -MinWeightedScore 1000
        $r.MemoriesFound | Should -Be 0
    }

    It 'returns a JSON answer as PowerShell objects with -ReturnFormat Json and a -ResponseSchema hashtable' {
        $r = Invoke-EngramQuery 'When is the deploy window?' -Bucket ops -ReturnFormat Json -ResponseSchema @{ type = 'object'; properties = @{ when = @{ type = 'string' } } }
        $r.AnswerJson | Should -Not -BeNullOrEmpty
        $r.AnswerJson | Should -BeOfType System.Management.Automation.PSCustomObject
        $r.AnswerJson.PSObject.Properties.Name | Should -Contain 'when'
    }

    It 'accepts -ResponseSchema as JSON text and rejects invalid JSON' {
        { Invoke-EngramQuery 'deploy?' -Bucket ops -ResponseSchema '{"type":"object"}' -ErrorAction Stop } | Should -Not -Throw
        { Invoke-EngramQuery 'deploy?' -Bucket ops -ResponseSchema '{not json' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*'
    }

    It 'streams the answer to the host and then outputs the same result as the buffered call' {
        $question = 'When is the deploy window and who approves deploys?'
        $buffered = Invoke-EngramQuery $question -Bucket ops
        $all = Invoke-EngramQuery $question -Bucket ops -Stream 6>&1
        $streamed = @($all | Where-Object { $_ -is [Engram.PowerShell.QueryAnswer] })
        $pieces = @($all | Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
        $streamed.Count | Should -Be 1
        $pieces.Count | Should -BeGreaterThan 1
        ($pieces.MessageData.Message -join '') | Should -Be $streamed[0].Answer
        $streamed[0].Answer | Should -Be $buffered.Answer
        $streamed[0].Memories.MemoryId | Should -Be $buffered.Memories.MemoryId
        $streamed[0].MemoriesFound | Should -Be $buffered.MemoriesFound
    }

    It 'keeps the output pipeline clean while streaming' {
        $out = @(Invoke-EngramQuery 'deploy window?' -Bucket ops -Stream 6>$null)
        $out.Count | Should -Be 1
        $out[0] | Should -BeOfType Engram.PowerShell.QueryAnswer
    }

    It 'shows the answer and the cited memories in the default view' {
        $text = Invoke-EngramQuery 'When is the deploy window?' -Bucket ops | Out-String -Width 200
        $text | Should -Match 'Answer\s+:'
        $text | Should -Match '\[ops\] \d\.\d{3}  The deploy window is Tuesday'
    }
}
