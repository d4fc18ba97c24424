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
