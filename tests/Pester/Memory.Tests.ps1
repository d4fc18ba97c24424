BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

Describe 'Memories over a <Mode> connection' -ForEach @(@{ Mode = 'Local' }, @{ Mode = 'Http' }) {
    BeforeAll {
        $script:ctx = New-TestConnection -Mode $Mode
        $script:c = $script:ctx.Connection
        $PSDefaultParameterValues = Use-TestConnection $script:c
        # The request (HTTP) or operation (Local) lines -Verbose writes for batch stores into a bucket.
        $script:storeTrace = if ($Mode -eq 'Http') { 'POST /v1/buckets/{0}/memories ' } else { "Local engine StoreMemories '{0}'" }
    }
    AfterAll { Remove-TestConnection $script:ctx }

    Context 'Add-EngramMemory' {
        It 'stores pipeline strings and returns one result per input, in order' {
            # The one call here that passes -Connection itself; the rest take it from $PSDefaultParameterValues.
            $result = 'first fact', 'second fact', 'third fact' | Add-EngramMemory -Bucket add-basic -Connection $c
            $result.Count | Should -Be 3
            $result.Index | Should -Be 0, 1, 2
            $result.Content | Should -Be 'first fact', 'second fact', 'third fact'
            $result.Status | Sort-Object -Unique | Should -Be 'stored'
            $result.Bucket | Sort-Object -Unique | Should -Be 'add-basic'
            ($result.Id | Sort-Object -Unique).Count | Should -Be 3
            $result[0] | Should -BeOfType Engram.PowerShell.MemoryStoreResult
        }

        It 'binds Import-Csv rows by the <Column> column' -ForEach @(
            @{ Column = 'content' }, @{ Column = 'Text' }, @{ Column = 'Fact' }, @{ Column = 'Memory' }
        ) {
            $csv = Join-Path $TestDrive "facts-$Column.csv"
            "$Column,other`n""The backup runs at 02:00 ($Column)"",x`n""The VPN is vpn.example.com ($Column)"",y" | Set-Content $csv
            $bucket = "csv-$($Column.ToLower())"
            $result = Import-Csv $csv | Add-EngramMemory -Bucket $bucket
            $result.Content | Should -Be "The backup runs at 02:00 ($Column)", "The VPN is vpn.example.com ($Column)"
            (Get-EngramMemory -Bucket $bucket).Count | Should -Be 2
        }

        It 'sends each CSV row to the bucket in its bucket column when -Bucket is not given' {
            $csv = Join-Path $TestDrive 'routed.csv'
            "bucket,content`nrouted-a,Alpha one`nrouted-b,Bravo one`nrouted-a,Alpha two`n,Default one" | Set-Content $csv
            $result = Import-Csv $csv | Add-EngramMemory
            $result.Bucket | Should -Be 'routed-a', 'routed-b', 'routed-a', 'default'
            (Get-EngramMemory -Bucket routed-a).Content | Sort-Object | Should -Be 'Alpha one', 'Alpha two'
            (Get-EngramMemory -Bucket routed-b).Content | Should -Be 'Bravo one'
        }

        It 'reports an object without a content property instead of storing its text form' {
            $errors = $null
            $result = [pscustomobject]@{ note = 'no content column' }, @{ Text = 'from a hashtable' } |
                Add-EngramMemory -Bucket shapeless -ErrorVariable errors -ErrorAction SilentlyContinue
            $result.Content | Should -Be 'from a hashtable'
            $errors.Count | Should -Be 1
            "$($errors[0])" | Should -Match 'no Content, Text, Memory or Fact property'
            (Get-EngramMemory -Bucket shapeless).Content | Should -Be 'from a hashtable'
        }

        It 'copies memories between buckets through the pipeline' {
            Get-EngramMemory -Bucket add-basic | Add-EngramMemory -Bucket add-copy -Dedup Off -WarningAction SilentlyContinue | Out-Null
            (Get-EngramMemory -Bucket add-copy).Content | Sort-Object | Should -Be 'first fact', 'second fact', 'third fact'
        }

        It 'lets an explicit -Bucket win over the rows'' bucket column' {
            $rows = [pscustomobject]@{ Bucket = 'ignored-bucket'; Content = 'explicit wins' }
            $result = $rows | Add-EngramMemory -Bucket explicit-bucket -WarningAction SilentlyContinue
            $result.Bucket | Should -Be 'explicit-bucket'
        }

        It 'batches by BatchSize with several batches in flight and still reports in input order' {
            $inputs = 1..25 | ForEach-Object { "Batch fact number $_ about item $($_ * 7)" }
            $verbose = $null
            $result = $inputs | Add-EngramMemory -Bucket batched -BatchSize 3 -ThrottleLimit 4 -Dedup Off -Verbose 4>&1 |
                Tee-Object -Variable all | Where-Object { $_ -is [Engram.PowerShell.MemoryStoreResult] }
            $verbose = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $result.Count | Should -Be 25
            $result.Index | Should -Be (0..24)
            $result.Content | Should -Be $inputs
            @($verbose | Where-Object { $_.Message -like ($script:storeTrace -f 'batched') + '*' }).Count | Should -Be 9
            (Get-EngramMemory -Bucket batched -All).Count | Should -Be 25
        }

        It 'sends interleaved buckets in full batches per bucket, one result per input in input order' {
            # a, b, a, b, ... : 120 rows for two buckets, 50 per batch -> 50 + 10 per bucket = 4 requests, not 120.
            $rows = 0..119 | ForEach-Object { [pscustomobject]@{ Bucket = ('mix-a', 'mix-b')[$_ % 2]; Content = "Interleaved fact $_ for $(('mix-a', 'mix-b')[$_ % 2])" } }
            $all = $rows | Add-EngramMemory -BatchSize 50 -Dedup Off -Verbose 4>&1
            $result = $all | Where-Object { $_ -is [Engram.PowerShell.MemoryStoreResult] }
            $verbose = $all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $result.Count | Should -Be 120
            $result.Index | Should -Be (0..119)
            $result.Content | Should -Be $rows.Content
            $result.Bucket | Should -Be $rows.Bucket
            @($verbose | Where-Object { $_.Message -like ($script:storeTrace -f 'mix-a') + '*' }).Count | Should -Be 2
            @($verbose | Where-Object { $_.Message -like ($script:storeTrace -f 'mix-b') + '*' }).Count | Should -Be 2
            # -Verbose says what each batch carried.
            $sizes = $verbose | Where-Object Message -match "^Sending a batch of (\d+) memories to 'mix-a'" | ForEach-Object { [int]($_.Message -replace '^Sending a batch of (\d+).*$', '$1') }
            $sizes | Should -Be 50, 10
            (Get-EngramMemory -Bucket mix-a -All).Count | Should -Be 60
            (Get-EngramMemory -Bucket mix-b -All).Count | Should -Be 60
        }

        It 'keeps results in input order when a small bucket waits behind a large one' {
            $rows = @([pscustomobject]@{ Bucket = 'lone'; Content = 'The lone fact comes first.' }) +
                @(1..30 | ForEach-Object { [pscustomobject]@{ Bucket = 'crowd'; Content = "Crowd fact $_" } }) +
                @([pscustomobject]@{ Bucket = 'lone'; Content = 'The lone fact comes last.' })
            $all = $rows | Add-EngramMemory -BatchSize 10 -Dedup Off -Verbose 4>&1
            $result = $all | Where-Object { $_ -is [Engram.PowerShell.MemoryStoreResult] }
            $result.Content | Should -Be $rows.Content
            @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like ($script:storeTrace -f 'lone') + '*' }).Count | Should -Be 1
        }

        It 'builds the content from the column -ContentProperty names' {
            $csv = Join-Path $TestDrive 'inventory.csv'
            "Host,Team,Description`ndb-01,data,Primary PostgreSQL for billing`nweb-07,web,Serves the status page" | Set-Content $csv
            $result = Import-Csv $csv | Add-EngramMemory -ContentProperty Description -Bucket inventory
            $result.Content | Should -Be 'Primary PostgreSQL for billing', 'Serves the status page'
            (Get-EngramMemory -Bucket inventory).Content | Sort-Object | Should -Be 'Primary PostgreSQL for billing', 'Serves the status page'
        }

        It 'builds the content from a -Template of any columns' {
            $csv = Join-Path $TestDrive 'inventory-t.csv'
            "Host,Team,Description`ndb-01,data,Primary PostgreSQL for billing`nweb-07,web,Serves the status page {v2}" | Set-Content $csv
            $result = Import-Csv $csv | Add-EngramMemory -Template '{Host} ({team}): {Description}, {{literal}}' -Bucket inventory-t
            $result.Content | Should -Be 'db-01 (data): Primary PostgreSQL for billing, {literal}', 'web-07 (web): Serves the status page {v2}, {literal}'
        }

        It 'names the missing column and the columns there are, and stores the rows that have it' {
            $rows = [pscustomobject]@{ Host = 'db-01'; Description = 'Has it' }, [pscustomobject]@{ Host = 'web-07'; Notes = 'Lacks it' }
            $errors = $null
            $result = $rows | Add-EngramMemory -ContentProperty Description -Bucket partial -ErrorVariable errors -ErrorAction SilentlyContinue
            $result.Content | Should -Be 'Has it'
            $errors.Count | Should -Be 1
            "$($errors[0])" | Should -Match "Input 1 has no property 'Description'"
            "$($errors[0])" | Should -Match 'Host, Notes'
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'EngramContentPropertyNotFound,*'

            $errors = $null
            $result = $rows | Add-EngramMemory -Template '{Host}: {Description}' -Bucket partial -ErrorVariable errors -ErrorAction SilentlyContinue
            $result.Content | Should -Be 'db-01: Has it'
            "$($errors[0])" | Should -Match "no property 'Description'.*Host, Notes"
        }

        It 'refuses a template with an unmatched brace before sending anything' {
            { 'x' | Add-EngramMemory -Template '{Host' -Bucket never } | Should -Throw -ErrorId 'EngramInvalidTemplate,*'
        }

        It 'keeps each row''s bucket column with -DefaultBucket, and uses it for rows without one' {
            $rows = [pscustomobject]@{ Bucket = 'own-bucket'; Content = 'Goes to its own bucket' }, [pscustomobject]@{ Bucket = ''; Content = 'Goes to the default bucket' }, 'A plain string'
            $result = $rows | Add-EngramMemory -DefaultBucket fallback
            $result.Bucket | Should -Be 'own-bucket', 'fallback', 'fallback'
        }

        It 'warns once when -Bucket overrides the rows'' own bucket column' {
            $rows = [pscustomobject]@{ Bucket = 'team'; Content = 'Overridden one' }, [pscustomobject]@{ Bucket = 'team'; Content = 'Overridden two' }
            $warnings = $null
            $result = $rows | Add-EngramMemory -Bucket overriding -WarningVariable warnings -WarningAction SilentlyContinue
            $result.Bucket | Sort-Object -Unique | Should -Be 'overriding'
            $warnings.Count | Should -Be 1
            "$($warnings[0])" | Should -Match '-DefaultBucket'
        }

        It 'reports empty and whitespace content as per-item errors without sending them, and stores the rest' {
            $errors = $null
            $result = 'kept one', '', '   ', 'kept two' | Add-EngramMemory -Bucket empties -ErrorVariable errors -ErrorAction SilentlyContinue
            $result.Content | Should -Be 'kept one', 'kept two'
            $result.Index | Should -Be 0, 3
            $errors.Count | Should -Be 2
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'EngramEmptyContent,*'
            $errors[0].TargetObject.Index | Should -Be 1
            (Get-EngramMemory -Bucket empties).Count | Should -Be 2
        }

        It 'reports each item of a failed batch as its own error and stores the other batches' {
            $tooLong = 'b' * 200   # the service rejects bucket names over 128 characters: that batch fails with 400
            $rows = @(
                [pscustomobject]@{ Bucket = 'survivors'; Content = 'before the failure' }
                [pscustomobject]@{ Bucket = $tooLong; Content = 'doomed one' }
                [pscustomobject]@{ Bucket = $tooLong; Content = 'doomed two' }
                [pscustomobject]@{ Bucket = 'survivors'; Content = 'after the failure' }
            )
            $errors = $null
            $result = $rows | Add-EngramMemory -ErrorVariable errors -ErrorAction SilentlyContinue
            $result.Content | Should -Be 'before the failure', 'after the failure'
            $result.Index | Should -Be 0, 3
            $errors.Count | Should -Be 2
            $errors.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'EngramHttp400,*' }
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $errors.TargetObject.Content | Should -Be 'doomed one', 'doomed two'
            $errors.TargetObject.Index | Should -Be 1, 2
            (Get-EngramMemory -Bucket survivors).Count | Should -Be 2
        }

        It 'reports a merged write for a re-ingested fact, with the memory that absorbed it' {
            $first = Add-EngramMemory -Content 'The cafeteria closes at 15:00.' -Bucket dedup
            $again = Add-EngramMemory -Content 'The cafeteria closes at 15:00.' -Bucket dedup
            $again.Status | Should -Be 'merged'
            $again.DedupedInto | Should -Be $first.Id
            $again.MergeReason | Should -Be 'content_hash'
            $forced = Add-EngramMemory -Content 'The cafeteria closes at 15:00.' -Bucket dedup -Dedup Off
            $forced.Status | Should -Be 'stored'
        }

        It 'rejects BatchSize outside 1..100' {
            { 'x' | Add-EngramMemory -BatchSize 101 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        }
    }

    Context 'Get-EngramMemory' {
        BeforeAll {
            1..30 | ForEach-Object { "Paging fact $_ of thirty" } | Add-EngramMemory -Bucket paging -Dedup Off | Out-Null
        }

        It 'returns one page of 20 and warns how many exist' {
            $warnings = $null
            $page = Get-EngramMemory -Bucket paging -WarningVariable warnings -WarningAction SilentlyContinue
            $page.Count | Should -Be 20
            $page[0] | Should -BeOfType Engram.PowerShell.EngramMemory
            $warnings.Count | Should -Be 1
            "$($warnings[0])" | Should -Be "Showing 20 of 30 memories in 'paging'. Use -All or -First to get more."
        }

        It 'does not warn when everything fits' {
            $warnings = $null
            Get-EngramMemory -Bucket add-basic -WarningVariable warnings | Out-Null
            $warnings.Count | Should -Be 0
        }

        It 'honours -First and -Skip' {
            $all = Get-EngramMemory -Bucket paging -All
            $range = Get-EngramMemory -Bucket paging -First 5 -Skip 10
            $range.Count | Should -Be 5
            $range.Id | Should -Be $all[10..14].Id
        }

        It 'returns every memory with -All' {
            $all = Get-EngramMemory -Bucket paging -All
            $all.Count | Should -Be 30
            ($all.Id | Sort-Object -Unique).Count | Should -Be 30
        }

        It 'reads a -First larger than one service page' {
            (Get-EngramMemory -Bucket batched -First 24).Count | Should -Be 24
        }

        It 'reports the total first with -IncludeTotalCount' {
            $out = Get-EngramMemory -Bucket paging -First 2 -IncludeTotalCount
            $out.Count | Should -Be 3
            [int]$out[0] | Should -Be 30
        }

        It 'fills Bucket so the output pipes on' {
            (Get-EngramMemory -Bucket paging -First 3).Bucket | Sort-Object -Unique | Should -Be 'paging'
        }
    }

    Context 'Remove-EngramMemory and Clear-EngramMemory' {
        BeforeEach {
            Clear-EngramMemory -Bucket removal -Force -ErrorAction Ignore | Out-Null    # absent the first time
            1..5 | ForEach-Object { "Removable fact $_" } | Add-EngramMemory -Bucket removal | Out-Null
        }

        It 'removes what Get-EngramMemory pipes in' {
            Get-EngramMemory -Bucket removal -First 2 | Remove-EngramMemory -Confirm:$false
            (Get-EngramMemory -Bucket removal).Count | Should -Be 3
        }

        It 'sends nothing with -WhatIf' {
            $trace = Get-EngramMemory -Bucket removal | Remove-EngramMemory -WhatIf -Verbose 4>&1
            @($trace | Where-Object { "$_" -match 'DELETE|DeleteMemory' }).Count | Should -Be 0
            (Get-EngramMemory -Bucket removal).Count | Should -Be 5
        }

        It 'reports a missing memory as EngramMemoryNotFound / ObjectNotFound (status 404) and goes on' {
            $ids = @('no-such-memory') + (Get-EngramMemory -Bucket removal -First 1).Id
            $errors = $null
            Remove-EngramMemory -Id $ids -Bucket removal -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'EngramMemoryNotFound,*'
            $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errors[0].Exception.Status | Should -Be 404
            $errors[0].TargetObject | Should -Be 'no-such-memory'
            (Get-EngramMemory -Bucket removal).Count | Should -Be 4
        }

        It 'clears nothing with -WhatIf, even with -Force' {
            Clear-EngramMemory -Bucket removal -WhatIf
            Clear-EngramMemory -Bucket removal -WhatIf -Force
            (Get-EngramMemory -Bucket removal).Count | Should -Be 5
        }

        It 'clears with -Confirm:$false and reports the count' {
            $r = Clear-EngramMemory -Bucket removal -Confirm:$false
            $r.ClearedCount | Should -Be 5
            $r.Bucket | Should -Be 'removal'
            @(Get-EngramMemory -Bucket removal).Count | Should -Be 0
            (Get-EngramBucket -Name removal).Name | Should -Be 'removal'
        }

        It 'requires a non-empty bucket name' {
            { Clear-EngramMemory -Bucket '' -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
            (Get-Command Clear-EngramMemory).Parameters.Bucket.Attributes.Where({ $_ -is [Parameter] }).Mandatory | Should -BeTrue
        }
    }
}
