BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

# Issue 12: listings are snapshots, whatever the same pipeline does to the bucket meanwhile.
Describe 'Listings as snapshots over a <Mode> connection' -ForEach @(@{ Mode = 'Local' }, @{ Mode = 'Http' }) {
    BeforeAll {
        $script:ctx = New-TestConnection -Mode $Mode
        $script:c = $script:ctx.Connection
        $PSDefaultParameterValues = Use-TestConnection $script:c
        function Add-Numbered([string] $Bucket, [int] $Count) {
            1..$Count | ForEach-Object { "snapshot fact number $_ of $Bucket" } | Add-EngramMemory -Bucket $Bucket -Dedup Off -ThrottleLimit 1 | Out-Null
        }
    }
    AfterAll { Remove-TestConnection $script:ctx }

    It 'Get-EngramMemory -All | Remove-EngramMemory removes every memory (300, more than one page)' {
        Add-Numbered 'snap-remove' 300
        Get-EngramMemory -Bucket snap-remove -All | Remove-EngramMemory -Confirm:$false
        @(Get-EngramMemory -Bucket snap-remove -All).Count | Should -Be 0
    }

    It 'Get-EngramMemory -All | Where-Object | Remove-EngramMemory removes every match' {
        Add-Numbered 'snap-filter' 260
        Get-EngramMemory -Bucket snap-filter -All | Where-Object Content -like '*number 1*' | Remove-EngramMemory -Confirm:$false
        @(Get-EngramMemory -Bucket snap-filter -All | Where-Object Content -like '*number 1*').Count | Should -Be 0
        @(Get-EngramMemory -Bucket snap-filter -All).Count | Should -Be (260 - @(1..260 | Where-Object { "$_" -like '1*' }).Count)
    }

    It 'Get-EngramMemory -All | Add-EngramMemory into the same bucket ends and copies each memory once' {
        Add-Numbered 'snap-copy' 250
        # -First 1000 only stops the old, endless behaviour so the test can fail instead of hanging.
        Get-EngramMemory -Bucket snap-copy -All | Select-Object -First 1000 | Select-Object @{ n = 'Content'; e = { $_.Content + ' copy' } } |
            Add-EngramMemory -Bucket snap-copy -Dedup Off | Out-Null
        $all = @(Get-EngramMemory -Bucket snap-copy -All)
        $all.Count | Should -Be 500
        @($all | Where-Object Content -like '* copy').Count | Should -Be 250
        @($all | Where-Object Content -like '* copy copy').Count | Should -Be 0
    }

    It 'Get-EngramMemory -All emits each memory once, newest first' {
        Add-Numbered 'snap-order' 230
        $all = @(Get-EngramMemory -Bucket snap-order -All)
        $all.Count | Should -Be 230
        ($all.Id | Sort-Object -Unique).Count | Should -Be 230
        $all[0].Content | Should -Be 'snapshot fact number 230 of snap-order'
        $all[-1].Content | Should -Be 'snapshot fact number 1 of snap-order'
    }

    It 'Export-EngramMemory writes every memory once, oldest first, across pages' {
        # Writes during the export are covered by tests/Unit/Conformance/CursorListingTests.cs.
        Add-Numbered 'snap-export' 450
        $expected = @(Get-EngramMemory -Bucket snap-export -All).Id
        $path = Join-Path $TestDrive "export-$Mode.jsonl"
        Export-EngramMemory -Bucket snap-export -Path $path | Out-Null
        $lines = Get-Content $path | ForEach-Object { $_ | ConvertFrom-Json }
        $lines.Count | Should -Be 450
        $lines[0].content | Should -Be 'snapshot fact number 1 of snap-export'
        $lines[-1].content | Should -Be 'snapshot fact number 450 of snap-export'
        ($lines.id | Sort-Object) | Should -Be ($expected | Sort-Object)
    }
}

# Issue 10: a long Import-Csv | Add-EngramMemory shows how far it has got.
Describe 'Progress of a long Add-EngramMemory pipeline' {
    It 'writes "N memories sent" progress every batch and completes it at the end' {
        $csv = Join-Path ([System.IO.Path]::GetTempPath()) ("engram-progress-" + [guid]::NewGuid().ToString('N') + '.csv')
        try {
            1..250 | ForEach-Object { [pscustomobject]@{ Content = "progress fact number $_" } } | Export-Csv -LiteralPath $csv
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                    param($Manifest, $Csv)
                    Import-Module $Manifest
                    Connect-Engram -Local -InMemory
                    Import-Csv -LiteralPath $Csv | Add-EngramMemory -Bucket progress | Measure-Object | ForEach-Object Count
                }).AddArgument((Get-Module Lumetra.Engram).Path).AddArgument($csv)
            try {
                $count = $ps.Invoke()
                $ps.Streams.Error | Should -BeNullOrEmpty
                $count | Should -Be 250
                $records = @($ps.Streams.Progress | Where-Object Activity -eq 'Adding Engram memories')
            }
            finally { $ps.Dispose() }

            @($records | Where-Object RecordType -eq 'Processing' | ForEach-Object StatusDescription) | Should -Be @('100 memories sent', '200 memories sent')
            $records[-1].RecordType | Should -Be 'Completed'
        }
        finally { Remove-Item -LiteralPath $csv -ErrorAction SilentlyContinue }
    }
}
