BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

# Issue 12, "exact names" and "unknown buckets are reported": one rule for every bucket parameter, on the
# embedded engine and over HTTP to Engram Local.
Describe 'Bucket names over a <Mode> connection' -ForEach @(@{ Mode = 'Local' }, @{ Mode = 'Http' }) {
    BeforeAll {
        $script:ctx = New-TestConnection -Mode $Mode
        $script:c = $script:ctx.Connection
        $PSDefaultParameterValues = Use-TestConnection $script:c
        $PSDefaultParameterValues['Export-EngramMemory:Connection'] = $script:c
        'Deploys to prod happen on Tuesdays.' | Add-EngramMemory -Bucket ops | Out-Null
        'The ops-eu on-call rota starts Monday.' | Add-EngramMemory -Bucket ops-eu | Out-Null
        'The team lunch is on Friday.' | Add-EngramMemory -Bucket team | Out-Null
    }
    AfterAll { Remove-TestConnection $script:ctx }

    It 'keeps prod and PROD apart: Get-EngramBucket -Name PROD | Remove-EngramBucket removes only PROD' {
        New-EngramBucket prod | Out-Null
        New-EngramBucket PROD | Out-Null
        (Get-EngramBucket -Name PROD).Name | Should -BeExactly 'PROD'
        Get-EngramBucket -Name PROD | Remove-EngramBucket -Force
        (Get-EngramBucket -Name 'prod', 'PROD' -ErrorAction SilentlyContinue).Name | Should -BeExactly 'prod'
        Remove-EngramBucket prod -Force
    }

    It 'reports an exact name in another case as not found, naming the bucket that exists' {
        $errors = $null
        Get-EngramBucket -Name OPS -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'EngramBucketNotFound,*'
        "$($errors[0])" | Should -Match "Bucket 'OPS' was not found.*Did you mean 'ops'"
    }

    It 'matches wildcards case-sensitively on every read cmdlet' {
        (Get-EngramBucket -Name 'op*').Name | Should -BeExactly 'ops', 'ops-eu'
        Get-EngramBucket -Name 'OP*' | Should -BeNullOrEmpty
        (Get-EngramMemory -Bucket 'op*').Content | Sort-Object | Should -Be 'Deploys to prod happen on Tuesdays.', 'The ops-eu on-call rota starts Monday.'
        (Get-EngramMemory -Bucket 'op*').Bucket | Sort-Object | Should -BeExactly 'ops', 'ops-eu'
        (Invoke-EngramQuery 'When do deploys happen?' -Bucket 'op?' -SkipSynthesis).Memories.Content | Should -Contain 'Deploys to prod happen on Tuesdays.'
        (Get-EngramProfile -Bucket 'ops*').Bucket | Should -BeExactly 'ops', 'ops-eu'
        $file = Join-Path $TestDrive "wild-$Mode.jsonl"
        (Export-EngramMemory -Bucket 'ops*' -Path $file).Buckets | Should -BeExactly 'ops', 'ops-eu'
        Get-Content $file | Should -HaveCount 2
    }

    It 'lists several buckets with -Bucket a,b, each memory carrying its bucket' {
        $memories = Get-EngramMemory -Bucket ops, team
        $memories | Should -HaveCount 2
        ($memories | Where-Object Content -Like '*lunch*').Bucket | Should -BeExactly 'team'
        ($memories | Where-Object Content -Like '*Tuesdays*').Bucket | Should -BeExactly 'ops'
    }

    It 'reports an unknown bucket on Get-EngramMemory with the closest existing names, as an EngramBucketNotFoundException' {
        $errors = $null
        Get-EngramMemory -Bucket opz -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'EngramBucketNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be 'opz'
        $errors[0].Exception | Should -BeOfType Engram.Client.EngramBucketNotFoundException
        $errors[0].Exception.Code | Should -Be 'BUCKET_NOT_FOUND'
        $errors[0].Exception.Bucket | Should -Be 'opz'
        $errors[0].Exception.ClosestNames | Should -Contain 'ops'
        "$($errors[0])" | Should -Match "Bucket 'opz' was not found.*Did you mean 'ops'"
        $errors[0].ErrorDetails.RecommendedAction | Should -Match 'Get-EngramBucket'
    }

    It 'reports an unknown bucket on <Command> and does nothing else' -ForEach @(
        @{ Command = 'Invoke-EngramQuery'; Run = { Invoke-EngramQuery 'anything?' -Bucket nosuch } }
        @{ Command = 'Clear-EngramMemory'; Run = { Clear-EngramMemory -Bucket nosuch -Force } }
        @{ Command = 'Get-EngramProfile'; Run = { Get-EngramProfile -Bucket nosuch } }
        @{ Command = 'Export-EngramMemory'; Run = { Export-EngramMemory -Bucket nosuch -Path (Join-Path $TestDrive 'nosuch.jsonl') } }
        @{ Command = 'Remove-EngramBucket'; Run = { Remove-EngramBucket -Name nosuch -Force } }
    ) {
        $ErrorActionPreference = 'Continue'
        $output = . $Run 2>&1
        $records = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        $records.Count | Should -Be 1
        $records[0].FullyQualifiedErrorId | Should -BeLike 'EngramBucketNotFound,*'
        "$($records[0])" | Should -Match "'nosuch'"
        Join-Path $TestDrive 'nosuch.jsonl' | Should -Not -Exist
    }

    It 'lets scripts opt out with -ErrorAction SilentlyContinue or Ignore' {
        $before = $Error.Count
        Get-EngramMemory -Bucket nosuch -ErrorAction Ignore | Should -BeNullOrEmpty
        $Error.Count | Should -Be $before
        Clear-EngramMemory -Bucket nosuch -Force -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        { Get-EngramMemory -Bucket nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'EngramBucketNotFound,*'
    }

    It 'reads the default bucket before anything was stored there without an error' {
        { Get-EngramMemory -ErrorAction Stop } | Should -Not -Throw
    }

    It 'finds a bucket another client created after the command listed the buckets' {
        $late = 'late-' + $Mode
        $seen = 'ops', $late | ForEach-Object {
            if ($_ -eq $late) { New-EngramBucket $late | Out-Null }
            $_
        } | Get-EngramProfile -ErrorAction Stop
        $seen.Bucket | Should -Be 'ops', $late
    }

    It 'names the memory and the bucket when a memory is not found' {
        $err = $null
        try { Remove-EngramMemory -Id 'no-such-memory' -Bucket ops -Confirm:$false -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramMemoryNotFound,*'
        "$err" | Should -Match "Memory 'no-such-memory' was not found in bucket 'ops'"
        $err.Exception.Status | Should -Be 404
    }

    It 'binds piped buckets by BucketName on <Command>' -ForEach @(
        @{ Command = 'Invoke-EngramQuery' }
        @{ Command = 'Get-EngramMemory' }
        @{ Command = 'Get-EngramProfile' }
        @{ Command = 'Export-EngramMemory' }
        @{ Command = 'Clear-EngramMemory' }
    ) {
        $parameter = (Get-Command $Command).Parameters['Bucket']
        $parameter.Aliases | Should -Contain 'BucketName'
        @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }) | Should -Not -BeNullOrEmpty
    }

    It 'asks each piped bucket: Get-EngramBucket | Invoke-EngramQuery' {
        $answers = Get-EngramBucket -Name team, ops | Invoke-EngramQuery 'When is the team lunch?' -SkipSynthesis
        $answers | Should -HaveCount 2
        ($answers | ForEach-Object { $_.Buckets }) | Sort-Object | Should -BeExactly 'ops', 'team'
        ($answers | Where-Object { $_.Buckets -contains 'team' }).Memories.Content | Should -Contain 'The team lunch is on Friday.'
    }
}
