BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

Describe 'Start-EngramLocalServer and Stop-EngramLocalServer' {
    AfterEach { Stop-EngramLocalServer }

    It 'serves on 127.0.0.1 and reports the address, database and key' {
        $db = Join-Path $TestDrive 'served.db'
        $server = Start-EngramLocalServer -Path $db 6>$null
        $server | Should -BeOfType Engram.PowerShell.EngramLocalServer
        $server.BaseUrl | Should -Be "http://127.0.0.1:$($server.Port)"
        $server.Port | Should -BeGreaterThan 0
        $server.DatabasePath | Should -Be $db
        $server.IsRunning | Should -BeTrue
        $server.ApiKey | Should -BeOfType System.Security.SecureString
        $key = [Net.NetworkCredential]::new('', $server.ApiKey).Password
        $key | Should -Not -BeNullOrEmpty
        $c = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey $key -PassThru
        'served fact' | Add-EngramMemory -Bucket served -Connection $c | Out-Null
        (Get-EngramMemory -Bucket served -Connection $c).Content | Should -Be 'served fact'
        Disconnect-Engram -Connection $c
    }

    It 'shares the database file with a local connection in the same process' {
        $db = Join-Path $TestDrive 'both.db'
        $local = Connect-Engram -Local -Path $db -PassThru
        'written in-process' | Add-EngramMemory -Bucket both -Connection $local | Out-Null
        $server = Start-EngramLocalServer -Path $db -ApiKey 'eng_test_both' 6>$null
        $http = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_both' -PassThru
        (Get-EngramMemory -Bucket both -Connection $http).Content | Should -Be 'written in-process'
        Disconnect-Engram -Connection $http
        Disconnect-Engram -Connection $local
    }

    It 'tells how to connect without printing the key' {
        $info = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_NOTPRINTED' 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }
        $text = ($info.MessageData.Message) -join "`n"
        $text | Should -Match 'ENGRAM_BASE_URL'
        $text | Should -Match 'ENGRAM_API_KEY'
        $text | Should -Not -Match 'NOTPRINTED'
    }

    It 'maps a bad key to EngramHttp401 / AuthenticationError' {
        $server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_right' 6>$null
        $c = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_wrong' -PassThru
        $err = $null
        try { Get-EngramBucket -Connection $c -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramHttp401,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Status | Should -Be 401
        Disconnect-Engram -Connection $c
    }

    It 'maps the per-tenant cap (MaxConcurrentRequests) to EngramHttp429 / LimitsExceeded' {
        $server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_cap' -MaxConcurrentRequests 1 6>$null
        $server.MaxConcurrentRequests | Should -Be 1
        # Hold the tenant's only slot: a store whose body has not fully arrived yet.
        $tcp = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $server.Port)
        try {
            $stream = $tcp.GetStream()
            $head = "POST /v1/buckets/held/memories HTTP/1.1`r`nHost: 127.0.0.1:$($server.Port)`r`nAuthorization: Bearer eng_test_cap`r`nContent-Type: application/json`r`nContent-Length: 100`r`n`r`n{`"content`":"
            $bytes = [Text.Encoding]::ASCII.GetBytes($head)
            $stream.Write($bytes, 0, $bytes.Length)
            $stream.Flush()
            $c = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_cap' -MaxRetriesOn429 0 -PassThru
            $err = $null
            # The held request may take a moment to be admitted; ask until the cap answers (bounded).
            foreach ($attempt in 1..50) {
                try { Get-EngramBucket -Connection $c -ErrorAction Stop | Out-Null } catch { $err = $_; break }
            }
            $err.FullyQualifiedErrorId | Should -BeLike 'EngramHttp429,*'
            $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
            $err.ErrorDetails.RecommendedAction | Should -Match 'ThrottleLimit|MaxRetriesOn429'
            Disconnect-Engram -Connection $c
        }
        finally { $tcp.Dispose() }
    }

    It 'stops a piped server, a server by -Port, and all of them' {
        $a = Start-EngramLocalServer -InMemory 6>$null
        $b = Start-EngramLocalServer -InMemory 6>$null
        $d = Start-EngramLocalServer -InMemory 6>$null
        $a | Stop-EngramLocalServer
        $a.IsRunning | Should -BeFalse
        $b.IsRunning | Should -BeTrue
        Stop-EngramLocalServer -Port $b.Port
        $b.IsRunning | Should -BeFalse
        $d.IsRunning | Should -BeTrue
        Stop-EngramLocalServer
        $d.IsRunning | Should -BeFalse
    }

    It 'stops nothing with -WhatIf' {
        $s = Start-EngramLocalServer -InMemory 6>$null
        Stop-EngramLocalServer -WhatIf
        $s.IsRunning | Should -BeTrue
    }

    It 'reports a port with no server of this session' {
        { Stop-EngramLocalServer -Port 1 -ErrorAction Stop } | Should -Throw -ErrorId 'EngramLocalServerNotFound,*'
    }

    It 'serves in the foreground with -Wait until the pipeline is stopped' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m) Import-Module $m; Start-EngramLocalServer -InMemory -ApiKey eng_test_wait -Wait').AddArgument($env:ENGRAM_TEST_MODULE)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($output.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline -and -not $async.IsCompleted) { Start-Sleep -Milliseconds 20 }
            $server = $output[0]
            $server.IsRunning | Should -BeTrue
            $async.IsCompleted | Should -BeFalse
            $c = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_wait' -PassThru
            { Get-EngramBucket -Connection $c -ErrorAction Stop } | Should -Not -Throw
            $ps.Stop()
            $server.IsRunning | Should -BeFalse
            Disconnect-Engram -Connection $c
        }
        finally { $ps.Dispose() }
    }
}

Describe 'A foreground server other clients can use (issues 12, 13)' {
    BeforeAll {
        # A real pwsh process with -Wait, as an operator runs it; its host output goes to a file we poll.
        function Start-ServerProcess([string] $Arguments, [string] $Name) {
            $out = Join-Path $TestDrive "$Name.out"
            $command = "Import-Module '$env:ENGRAM_TEST_MODULE'; Start-EngramLocalServer -InMemory $Arguments -Wait"
            $pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
            $process = Start-Process $pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $command `
                -RedirectStandardOutput $out -RedirectStandardError (Join-Path $TestDrive "$Name.err") -PassThru
            @{ Process = $process; Out = $out }
        }
        # Polls the process's output until a line matches; bounded by 60 s, not a timing expectation.
        function Wait-ForOutput($Server, [string] $Pattern) {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and -not $Server.Process.HasExited) {
                $text = if (Test-Path $Server.Out) { Get-Content -Raw $Server.Out } else { '' }
                if ($text -match $Pattern) { return $text }
                Start-Sleep -Milliseconds 100
            }
            throw "No output matching '$Pattern' (exited: $($Server.Process.HasExited)): $(Get-Content -Raw $Server.Out -ErrorAction SilentlyContinue)"
        }
        function Stop-ServerProcess($Server) {
            if ($Server -and -not $Server.Process.HasExited) { $Server.Process.Kill(); $Server.Process.WaitForExit() }
        }
    }

    It '-Wait without a key shows the generated key once on the host, and logs each request there without keys or content' {
        $server = Start-ServerProcess '' 'generated'
        try {
            $text = Wait-ForOutput $server 'API key[^:]*: (\S+)'
            $key = [regex]::Match($text, 'API key[^:]*: (\S+)').Groups[1].Value
            $baseUrl = [regex]::Match($text, 'listening at (http://\S+?) ').Groups[1].Value
            $headers = @{ Authorization = "Bearer $key" }
            Invoke-RestMethod -Method Post -Uri "$baseUrl/v1/buckets/wait/memories" -Headers $headers -ContentType 'application/json' -Body '{"content":"the launch codename is Bluebird"}' | Out-Null
            (Invoke-RestMethod -Uri "$baseUrl/v1/buckets" -Headers $headers).buckets.name | Should -Contain 'wait'

            $text = Wait-ForOutput $server '"path":"/v1/buckets"'
            $logLines = @($text -split "`n" | Where-Object { $_ -match '^\{"time"' })
            $logLines.Count | Should -BeGreaterOrEqual 2
            $entry = $logLines | Where-Object { $_ -match '"method":"POST"' } | Select-Object -First 1 | ConvertFrom-Json
            $entry.path | Should -Be '/v1/buckets/wait/memories'
            $entry.status | Should -Be 200
            ([regex]::Matches($text, [regex]::Escape($key))).Count | Should -Be 1 -Because 'the key is shown once and never logged'
            $text | Should -Not -Match 'Bluebird'
        }
        finally { Stop-ServerProcess $server }
    }

    It '-ApiKeyPath writes the generated key into an owner-only file, prints it nowhere, and a later start reuses it' {
        $keyFile = Join-Path $TestDrive 'keys/server.key'
        $server = Start-ServerProcess "-ApiKeyPath '$keyFile'" 'keyfile'
        try {
            $text = Wait-ForOutput $server 'request log lines follow'
            $key = (Get-Content $keyFile -ErrorAction Stop).Trim()
            $key | Should -Not -BeNullOrEmpty
            if (-not $IsWindows) { (Get-Item $keyFile).UnixMode | Should -Be '-rw-------' }
            $text | Should -Not -Match ([regex]::Escape($key))
            $text | Should -Match ([regex]::Escape("Get-Content '$keyFile'"))
            $baseUrl = [regex]::Match($text, 'listening at (http://\S+?) ').Groups[1].Value
            { Invoke-RestMethod -Uri "$baseUrl/v1/buckets" -Headers @{ Authorization = "Bearer $key" } } | Should -Not -Throw
        }
        finally { Stop-ServerProcess $server }

        $again = Start-EngramLocalServer -InMemory -ApiKeyPath $keyFile 6>$null
        try { [Net.NetworkCredential]::new('', $again.ApiKey).Password | Should -Be $key }
        finally { $again | Stop-EngramLocalServer }
    }

    It '-ApiKeyVariable takes the key from an environment variable, and a missing one is an error that does not start a server' {
        $env:ENGRAM_TEST_SERVER_KEY = 'eng_test_from_environment'
        try {
            $server = Start-EngramLocalServer -InMemory -ApiKeyVariable ENGRAM_TEST_SERVER_KEY 6>$null
            try {
                $c = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_from_environment' -PassThru
                { Get-EngramBucket -Connection $c -ErrorAction Stop } | Should -Not -Throw
                Disconnect-Engram -Connection $c
                "$server" | Should -Not -Match 'eng_test_from_environment'
            }
            finally { $server | Stop-EngramLocalServer }
        }
        finally { Remove-Item Env:ENGRAM_TEST_SERVER_KEY }
        { Start-EngramLocalServer -InMemory -ApiKeyVariable ENGRAM_TEST_NO_SUCH_VARIABLE -ErrorAction Stop } | Should -Throw '*ENGRAM_TEST_NO_SUCH_VARIABLE*'
    }
}
