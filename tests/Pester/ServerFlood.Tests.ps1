BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

# Issue 13: any local process could crash the server by holding as many connections as its descriptor
# limit allows, each with a half-sent request. The server runs in a child pwsh whose limit is lowered to
# 1,024 (prlimit); this process floods it from outside, then checks a well-behaved client is still served.
Describe 'A server under a connection flood' -Skip:(-not $IsLinux -or -not (Get-Command prlimit -ErrorAction SilentlyContinue)) {
    It 'keeps answering a well-behaved client while 1,100 half-open connections press on a 1,024 descriptor limit' {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $key = 'eng_test_flood'
        $pwsh = Join-Path $PSHOME 'pwsh'
        $script = "Import-Module '$($env:ENGRAM_TEST_MODULE)'; Start-EngramLocalServer -InMemory -ApiKey $key -Port $port -Wait"
        $child = Start-Process -FilePath 'prlimit' -ArgumentList @('--nofile=1024:1024', $pwsh, '-NoProfile', '-NonInteractive', '-Command', $script) -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'out.txt') -RedirectStandardError (Join-Path $TestDrive 'err.txt')
        $clients = [System.Collections.Generic.List[System.Net.Sockets.TcpClient]]::new()
        try {
            $headers = @{ Authorization = "Bearer $key" }
            $url = "http://127.0.0.1:$port/v1/buckets"
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            $up = $false
            while (-not $up -and [DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) {
                try { $null = Invoke-RestMethod -Uri $url -Headers $headers -TimeoutSec 5; $up = $true } catch { Start-Sleep -Milliseconds 200 }
            }
            $up | Should -BeTrue

            $partial = [Text.Encoding]::ASCII.GetBytes("GET /v1/buckets HTTP/1.1`r`nHost: 127.0.0.1`r`nX-Never-Ends: ")
            for ($i = 0; $i -lt 1100; $i++) {
                $c = [System.Net.Sockets.TcpClient]::new()
                try {
                    if (-not $c.ConnectAsync('127.0.0.1', $port).Wait(2000)) { $c.Dispose(); continue }
                    $c.GetStream().Write($partial, 0, $partial.Length)
                    $clients.Add($c)
                }
                catch { $c.Dispose() }
            }

            # The flood stays open on this side. Connections over the cap are refused at once, and the capped
            # ones are closed when their header timeout (10 s) passes; then the well-behaved client is served.
            # Bounded: 60 tries about 0.5 s apart.
            $answered = $false
            for ($try = 0; $try -lt 60 -and -not $answered; $try++) {
                try { $null = Invoke-RestMethod -Uri $url -Headers $headers -TimeoutSec 5; $answered = $true } catch { Start-Sleep -Milliseconds 500 }
            }
            $answered | Should -BeTrue
            $child.HasExited | Should -BeFalse
        }
        finally {
            foreach ($c in $clients) { $c.Dispose() }
            if (-not $child.HasExited) { $child.Kill($true) }
            $child.WaitForExit(10000) | Out-Null
        }
    }
}
