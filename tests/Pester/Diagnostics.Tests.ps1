BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')
    $script:repoRoot = Split-Path (Split-Path $PSScriptRoot)
}

# Issue 12, "-Debug that works" and "errors as documented".
Describe '-Debug in a -NonInteractive session' {
    BeforeAll {
        $script:child = Join-Path $TestDrive 'debug-child.ps1'
        Set-Content -Path $script:child -Encoding utf8 -Value @'
param([string] $Module)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$server = Start-EngramLocalServer -InMemory -ApiKey 'eng_debug_child_key' 6>$null
try {
    $http = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_debug_child_key' -PassThru
    Connect-Engram -Local -InMemory -Debug
    $lines = & {
        'a fact for -Debug' | Add-EngramMemory -Bucket dbg -Connection $http -Debug | Out-Null
        Get-EngramBucket -Debug | Out-Null
        Get-EngramMemory -Bucket dbg -Connection $http -Debug | Out-Null
        $DebugPreference = 'Inquire'
        Get-EngramBucket -Connection $http | Out-Null
    } 5>&1 4>&1 | ForEach-Object { "$($_.GetType().Name): $_" }
    'RESULT:' + (@{ Lines = @($lines) } | ConvertTo-Json -Compress)
}
finally { $server | Stop-EngramLocalServer }
'@
        $script:run = Invoke-FreshPwsh -ScriptPath $script:child -Parameters @{ Module = $env:ENGRAM_TEST_MODULE }
    }

    It 'writes the traces without asking and without the NonInteractive exception' {
        $script:run.Text | Should -Not -Match 'NonInteractive|Continue with this operation'
        $script:run.ExitCode | Should -Be 0
    }

    It 'shows request lines and bodies as Verbose and Debug records' {
        $lines = (Get-ChildResult $script:run).Lines
        $lines | Where-Object { $_ -like 'VerboseRecord: POST /v1/buckets/dbg/memories*' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -like 'DebugRecord: Request body:*a fact for -Debug*' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -like 'VerboseRecord: Local engine ListBuckets*' } | Should -Not -BeNullOrEmpty
    }
}

Describe 'The about topic' {
    It 'is found by Get-Help about_Engram*' {
        $topics = @(Get-Help about_Engram*)
        $topics | Should -Not -BeNullOrEmpty
        ($topics | Out-String) | Should -Match 'Connect-Engram'
        Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'en-US/about_Engram.help.txt' | Should -Exist
    }

    It 'describes the bucket-name rules and unknown buckets' {
        $about = Get-Help about_Engram | Out-String
        $about | Should -Match 'case-sensitive'
        $about | Should -Match 'EngramBucketNotFound'
    }
}

Describe 'ErrorIds as documented' {
    BeforeAll {
        $assembly = (Get-Command Get-EngramBucket).ImplementingType.Assembly
        $type = $assembly.GetType('Engram.PowerShell.Errors.EngramErrorIds', $true)
        $script:ids = @($type.GetFields([System.Reflection.BindingFlags] 'Public, Static') | ForEach-Object { $_.GetRawConstantValue() })
        $readme = Get-Content -Raw (Join-Path $script:repoRoot 'README.md')
        # The Troubleshooting table: one row per ErrorId, `EngramHttp<status>` for the status-named ones.
        $script:documented = @([regex]::Matches($readme, '(?m)^\| `(Engram[A-Za-z0-9<>]+)`') | ForEach-Object { $_.Groups[1].Value })
    }

    It 'README lists exactly the ErrorIds the module raises' {
        $raised = $script:ids | ForEach-Object { if ($_ -eq 'EngramHttp') { 'EngramHttp<status>' } else { $_ } }
        $script:documented | Sort-Object | Should -Be ($raised | Sort-Object)
    }

    It 'the cmdlets use no ErrorId outside EngramErrorIds' {
        $sources = Get-ChildItem (Join-Path $script:repoRoot 'src/Engram.PowerShell') -Recurse -Filter '*.cs' |
            Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' -and $_.Name -ne 'EngramErrorIds.cs' }
        $literals = foreach ($file in $sources) {
            foreach ($line in Get-Content $file.FullName) {
                if ($line.TrimStart().StartsWith('//') -or $line -match '\[Cmdlet\(|WriteInformation\(') { continue }  # information tags are not ErrorIds
                [regex]::Matches($line, '"(Engram[A-Z][A-Za-z0-9]*)"') | ForEach-Object { "$($file.Name): $($_.Groups[1].Value)" }
            }
        }
        $literals | Should -BeNullOrEmpty
    }

    It 'the about topic names only ErrorIds that exist' {
        $about = Get-Content -Raw (Join-Path $script:repoRoot 'docs/help/about_Engram.help.txt')
        $named = @([regex]::Matches($about, '\bEngram[A-Z][A-Za-z]+(?=\s|<|,|\.|\))') | ForEach-Object { $_.Value } |
            Where-Object { $_ -notlike '*Exception' -and $_ -match '(Error|NotFound|NotConnected|Missing|Closed|Timeout|Argument|Unavailable|Http|Exists|Line|Local|Content)$' } | Sort-Object -Unique)
        $named | Should -Not -BeNullOrEmpty
        foreach ($id in $named) { $script:ids | Should -Contain $id -Because "about_Engram names $id" }
    }
}

Describe 'Connect-Engram -Local tells where the database is' {
    AfterEach { Disconnect-Engram -ErrorAction SilentlyContinue }

    It 'in the connection object, Get-EngramConnection and -Verbose (created, then existing)' {
        $path = Join-Path $TestDrive 'where.db'
        $verbose = Connect-Engram -Local -Path $path -Verbose 4>&1 | ForEach-Object { "$_" }
        (Get-EngramConnection).DatabasePath | Should -Be $path
        ($verbose -join "`n") | Should -Match ([regex]::Escape("Local database: $path (created)"))
        Disconnect-Engram
        $again = Connect-Engram -Local -Path $path -Verbose -PassThru 4>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match ([regex]::Escape("Local database: $path (existing file)"))
        ($again | Where-Object { $_ -is [Engram.PowerShell.EngramConnection] }).DatabasePath | Should -Be $path
        (Get-EngramConnection | Format-List | Out-String) | Should -Match ([regex]::Escape($path))
    }

    It 'and when it cannot be opened, says which file and what to do (EngramDatabaseUnavailable)' {
        $folder = Join-Path $TestDrive 'a-folder.db'
        $null = New-Item -ItemType Directory -Path $folder
        $err = $null
        try { Connect-Engram -Local -Path $folder } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramDatabaseUnavailable,*'
        "$err" | Should -Match ([regex]::Escape($folder))
        "$err" | Should -Match 'is a folder'
        $err.ErrorDetails.RecommendedAction | Should -Match '-Path'
    }
}
