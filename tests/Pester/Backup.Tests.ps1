BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

Describe 'Export-EngramMemory and Import-EngramMemory' {
    BeforeAll {
        $script:source = Connect-Engram -Local -Path (Join-Path $TestDrive 'source.db') -PassThru
        $script:facts = 1..130 | ForEach-Object { "Backup fact $($_): item $_ weighs $($_ * 3) kg" }
        $script:facts | Add-EngramMemory -Bucket inventory -Dedup Off -Connection $source | Out-Null
        'Near duplicate A', 'Near duplicate A', 'Other bucket fact' | ForEach-Object { [pscustomobject]@{ Content = $_; Bucket = 'misc' } } |
            Add-EngramMemory -Dedup Off -Connection $source | Out-Null
    }
    AfterAll {
        Disconnect-Engram -Connection $script:source
        Stop-EngramLocalServer
    }

    It 'writes one JSON line per memory, oldest first, with id, bucket, content, created_at and token_count' {
        $path = Join-Path $TestDrive 'inventory.jsonl'
        $summary = Export-EngramMemory -Bucket inventory -Path $path -Connection $source
        $summary | Should -BeOfType Engram.PowerShell.ExportResult
        $summary.MemoryCount | Should -Be 130
        $summary.Path | Should -Be $path
        $lines = Get-Content $path
        $lines.Count | Should -Be 130
        $records = $lines | ForEach-Object { $_ | ConvertFrom-Json }
        $records[0].PSObject.Properties.Name | Should -Be 'id', 'bucket', 'content', 'created_at', 'token_count'
        $records.bucket | Sort-Object -Unique | Should -Be 'inventory'
        ($records.id | Sort-Object -Unique).Count | Should -Be 130
        ($records.content | Sort-Object) | Should -Be ($script:facts | Sort-Object)
        "$path.partial" | Should -Not -Exist
    }

    It 'round-trips every memory from the embedded engine to a local server over HTTP' {
        $path = Join-Path $TestDrive 'all.jsonl'
        $summary = Get-EngramBucket -Connection $source | Export-EngramMemory -Path $path -Connection $source
        $summary.MemoryCount | Should -Be 133

        $server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_backup' 6>$null
        $target = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_backup' -PassThru
        $results = Import-EngramMemory -Path $path -BatchSize 25 -Connection $target
        $results.Count | Should -Be 133
        $results.LineNumber | Should -Be (1..133)
        $results.Status | Sort-Object -Unique | Should -Be 'stored'

        foreach ($bucket in 'inventory', 'misc') {
            $before = (Get-EngramMemory -Bucket $bucket -All -Connection $source).Content | Sort-Object
            $after = (Get-EngramMemory -Bucket $bucket -All -Connection $target).Content | Sort-Object
            $after | Should -Be $before
        }
    }

    It 'restores into the bucket given with -Bucket' {
        $path = Join-Path $TestDrive 'misc.jsonl'
        Export-EngramMemory -Bucket misc -Path $path -Connection $source | Out-Null
        $target = Connect-Engram -Local -InMemory -PassThru
        $results = Import-EngramMemory -Path $path -Bucket restored -Connection $target
        $results.Bucket | Sort-Object -Unique | Should -Be 'restored'
        (Get-EngramMemory -Bucket restored -Connection $target).Count | Should -Be 3
        Disconnect-Engram -Connection $target
    }

    It 'reports bad lines with their line numbers and imports the rest' {
        $path = Join-Path $TestDrive 'damaged.jsonl'
        @(
            '{"bucket":"damaged","content":"good line one"}'
            '{"bucket":"damaged", this is not json'
            '{"bucket":"damaged"}'
            ''
            '{"bucket":"damaged","content":"good line five"}'
        ) | Set-Content $path
        $target = Connect-Engram -Local -InMemory -PassThru
        $errors = $null
        $results = Import-EngramMemory -Path $path -Connection $target -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Content | Should -Be 'good line one', 'good line five'
        $results.LineNumber | Should -Be 1, 5
        $errors.Count | Should -Be 2
        $errors.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'EngramImportInvalidLine,*' }
        "$($errors[0])" | Should -Match 'Line 2 of'
        "$($errors[1])" | Should -Match 'Line 3 of'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        Disconnect-Engram -Connection $target
    }

    It 'keeps ids and creation times between embedded engines and over HTTP, and a second import stores nothing (issue 12)' {
        $path = Join-Path $TestDrive 'faithful.jsonl'
        Get-EngramBucket -Connection $source | Export-EngramMemory -Path $path -Connection $source | Out-Null
        $original = Get-Content $path | ForEach-Object { $_ | ConvertFrom-Json } | Sort-Object id
        $server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_faithful' 6>$null
        try {
            $targets = @(
                @{ Name = 'in-process'; Connection = Connect-Engram -Local -InMemory -PassThru }
                @{ Name = 'HTTP'; Connection = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_faithful' -PassThru }
            )
            foreach ($target in $targets) {
                $first = Import-EngramMemory -Path $path -Connection $target.Connection
                $first.Status | Sort-Object -Unique | Should -Be 'stored' -Because $target.Name
                @($first | Where-Object { $_.Id -ne $_.OriginalId }).Count | Should -Be 0 -Because "$($target.Name) keeps every id"

                $copyPath = Join-Path $TestDrive "faithful-$($target.Name).jsonl"
                Get-EngramBucket -Connection $target.Connection | Export-EngramMemory -Path $copyPath -Connection $target.Connection | Out-Null
                $copy = Get-Content $copyPath | ForEach-Object { $_ | ConvertFrom-Json } | Sort-Object id
                $copy.id | Should -Be $original.id -Because $target.Name
                $copy.created_at | Should -Be $original.created_at -Because "$($target.Name) keeps creation times"
                $copy.bucket | Should -Be $original.bucket
                $copy.content | Should -Be $original.content

                $again = Import-EngramMemory -Path $path -Connection $target.Connection
                $again.Count | Should -Be $original.Count
                $again.Status | Sort-Object -Unique | Should -Be 'merged' -Because "a second import of the same file into $($target.Name) stores nothing"
                $again.MergeReason | Sort-Object -Unique | Should -Be 'same_id'
                (Get-EngramBucket -Connection $target.Connection | Measure-Object MemoryCount -Sum).Sum | Should -Be $original.Count
            }
        }
        finally {
            foreach ($target in $targets) { Disconnect-Engram -Connection $target.Connection }
            $server | Stop-EngramLocalServer
        }
    }

    It 'maps old ids to new when the ids cannot be kept, and a copy imported twice is still stored once' {
        $path = Join-Path $TestDrive 'copy-same-engine.jsonl'
        Export-EngramMemory -Bucket misc -Path $path -Connection $source | Out-Null
        $ids = (Get-Content $path | ForEach-Object { $_ | ConvertFrom-Json }).id
        # Same engine, another bucket: the original ids belong to misc, so the copies get new ones.
        $first = Import-EngramMemory -Path $path -Bucket misc-copy -Connection $source
        $first.OriginalId | Should -Be $ids
        @($first | Where-Object { $_.Id -eq $_.OriginalId }).Count | Should -Be 0
        $again = Import-EngramMemory -Path $path -Bucket misc-copy -Connection $source
        $again.Status | Sort-Object -Unique | Should -Be 'merged'
        $again.Id | Should -Be $first.Id
        (Get-EngramMemory -Bucket misc-copy -All -Connection $source).Count | Should -Be 3
        Remove-EngramBucket -Name misc-copy -Force -Connection $source
    }

    It 'skips lines of invalid UTF-8, lone surrogates or no content with their line numbers and keeps everything else (issue 13)' {
        $path = Join-Path $TestDrive 'bad-text.jsonl'
        $utf8 = [Text.UTF8Encoding]::new($false)
        $lines = [Collections.Generic.List[byte[]]]::new()
        $lines.Add($utf8.GetBytes('{"bucket":"badtext","content":"good line one"}'))
        $lines.Add([byte[]](@(0x7B, 0x22, 0x63, 0x6F, 0x6E, 0x74, 0x65, 0x6E, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D)))   # {"content":"<invalid UTF-8>"}
        $lines.Add($utf8.GetBytes('{"bucket":"badtext","content":"half a pair \ud800 here"}'))
        $lines.Add($utf8.GetBytes('{"bucket":"badtext","id":"x"}'))
        foreach ($i in 5..160) { $lines.Add($utf8.GetBytes("{""bucket"":""badtext"",""content"":""good line $i of the damaged file""}")) }
        $bytes = [Collections.Generic.List[byte]]::new()
        foreach ($line in $lines) { $bytes.AddRange($line); $bytes.Add(10) }
        [IO.File]::WriteAllBytes($path, $bytes.ToArray())

        $target = Connect-Engram -Local -InMemory -PassThru
        try {
            $errors = $null
            $results = Import-EngramMemory -Path $path -BatchSize 10 -Connection $target -ErrorVariable errors -ErrorAction SilentlyContinue
            $results.LineNumber | Should -Be (@(1) + (5..160))
            (Get-EngramMemory -Bucket badtext -All -Connection $target).Count | Should -Be 157
            $errors.Count | Should -Be 3
            $errors.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'EngramImportInvalidLine,*' }
            "$($errors[0])" | Should -Match 'Line 2 of .*UTF-8'
            "$($errors[1])" | Should -Match 'Line 3 of .*surrogate'
            "$($errors[2])" | Should -Match 'Line 4 of .*content'
            (Get-EngramMemory -Bucket badtext -All -Connection $target).Content | Should -Not -Match ([char]0xFFFD)
        }
        finally {
            Disconnect-Engram -Connection $target
        }
    }

    It 'reports a missing file' {
        $target = Connect-Engram -Local -InMemory -PassThru
        { Import-EngramMemory -Path (Join-Path $TestDrive 'nope.jsonl') -Connection $target -ErrorAction Stop } | Should -Throw -ErrorId 'EngramImportFileNotFound,*'
        Disconnect-Engram -Connection $target
    }

    It 'refuses to overwrite with -NoClobber and leaves no file when the bucket does not exist' {
        $path = Join-Path $TestDrive 'exists.jsonl'
        'keep' | Set-Content $path
        { Export-EngramMemory -Bucket inventory -Path $path -NoClobber -Connection $source } | Should -Throw -ErrorId 'EngramExportFileExists,*'
        Get-Content $path | Should -Be 'keep'
    }
}
