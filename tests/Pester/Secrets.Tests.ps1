BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
    Save-EngramEnvironment
}

AfterAll {
    Disconnect-Engram
    Stop-EngramLocalServer
    Restore-EngramEnvironment
}

Describe 'The API key never appears in any output' {
    It 'stays out of all six streams, views, errors and traces of a full session' {
        $key = 'eng_test_Zq7uniqueSECRETmarker91f3'
        $wrongKey = 'eng_test_Wx4otherSECRETmarker22a8'
        $db = Join-Path $TestDrive 'secret.db'
        $csv = Join-Path $TestDrive 'secret.csv'
        $backup = Join-Path $TestDrive 'secret.jsonl'
        "content,bucket`nSecret session fact one,sec`nSecret session fact two,sec" | Set-Content $csv

        $captured = & {
            # Keep going through the expected errors (409, 404, 412, 401): they are part of what is checked.
            $ErrorActionPreference = 'Continue'
            $server = Start-EngramLocalServer -Path $db -ApiKey $key -Verbose -Debug
            $server | Format-List * | Out-String
            $server | Format-Table | Out-String
            $c = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey $key -PassThru -Verbose -Debug
            Get-EngramConnection -Verbose -Debug | Format-List * | Out-String
            $c | Format-Table | Out-String
            $c.ToString()
            Import-Csv $csv | Add-EngramMemory -Verbose -Debug
            Get-EngramMemory -Bucket sec -All -Verbose -Debug
            Invoke-EngramQuery 'session fact?' -Bucket sec -Verbose -Debug
            Invoke-EngramQuery 'session fact?' -Bucket sec -Stream -Verbose -Debug
            Get-EngramBucket -Verbose -Debug
            New-EngramBucket -Name sec-new -Verbose -Debug
            New-EngramBucket -Name sec-new -Verbose -Debug
            Get-EngramProfile -Bucket sec -Verbose -Debug
            Update-EngramProfile -Bucket sec -Verbose -Debug
            Export-EngramMemory -Bucket sec -Path $backup -Verbose -Debug
            Import-EngramMemory -Path $backup -Bucket sec-restored -Verbose -Debug
            Get-EngramMemory -Bucket sec -First 1 | Remove-EngramMemory -Confirm:$false -Verbose -Debug
            Remove-EngramMemory -Id missing -Bucket sec -Confirm:$false -Verbose -Debug
            Clear-EngramMemory -Bucket sec -Force -Verbose -Debug
            Remove-EngramBucket -Name sec-new -Force -Verbose -Debug
            Remove-EngramBucket -Name sec-new -Force -Verbose -Debug

            # The implicit connection from the environment.
            $env:ENGRAM_API_KEY = $key
            $env:ENGRAM_BASE_URL = $server.BaseUrl
            Disconnect-Engram -Verbose -Debug
            Get-EngramConnection | Format-List * | Out-String
            Get-EngramBucket -Verbose -Debug

            # A wrong key: the 401 error must not echo it either.
            Connect-Engram -BaseUrl $server.BaseUrl -ApiKey $wrongKey -Verbose -Debug
            Get-EngramConnection | Format-List * | Out-String
            Get-EngramBucket -Verbose -Debug
            try { Get-EngramMemory -Bucket sec -ErrorAction Stop -Verbose -Debug } catch { $_; $_.ToString(); $_.Exception.ToString(); $_ | Format-List * -Force | Out-String }

            # Bad -ApiKey input must not be echoed.
            try { Connect-Engram -ApiKey @{ k = $key } -ErrorAction Stop } catch { $_; $_.ToString(); $_.Exception.ToString() }

            $env:ENGRAM_API_KEY = $null
            Disconnect-Engram
            $server | Stop-EngramLocalServer -Verbose -Debug
        } *>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) {
                $_.ToString(); $_.Exception.ToString(); "$($_.TargetObject)"; "$($_.ErrorDetails)"; $_.ErrorDetails.RecommendedAction
            }
            elseif ($_ -is [System.Management.Automation.InformationRecord]) { "$($_.MessageData)" }
            else { $_ | Out-String }
        }

        $text = $captured -join "`n"
        $text | Should -Match 'POST /v1/buckets/sec/memories'
        $text | Should -Match 'Request body'
        $text | Should -Match 'EngramHttp401|Invalid API key'
        $text | Should -Not -Match 'SECRETmarker'
    }
}
