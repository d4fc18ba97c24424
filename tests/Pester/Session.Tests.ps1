BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
    Save-EngramEnvironment
    Disconnect-Engram
}

AfterAll {
    Disconnect-Engram
    Stop-EngramLocalServer
    Restore-EngramEnvironment
}

Describe 'Connecting' {
    AfterEach { Disconnect-Engram }

    It 'stops with EngramNotConnected, saying how to connect, when there is no connection at all' {
        $err = $null
        try { Get-EngramBucket -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramNotConnected,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        "$err" | Should -Match 'Connect-Engram -ApiKey'
        "$err" | Should -Match 'ENGRAM_API_KEY'
        "$err" | Should -Match 'Connect-Engram -Local'
    }

    It 'is terminating even with -ErrorAction SilentlyContinue (nothing runs without a connection)' {
        { Get-EngramMemory -Bucket b -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'EngramNotConnected,*'
    }

    It 'connects to the embedded engine and makes it the default' {
        Connect-Engram -Local -InMemory
        $c = Get-EngramConnection
        $c.Kind | Should -Be 'Local'
        $c.InMemory | Should -BeTrue
        $c.IsOpen | Should -BeTrue
        New-EngramBucket -Name session-test | Out-Null
        (Get-EngramBucket).Name | Should -Contain 'session-test'
    }

    It 'opens a local database file, and two connections to the same file share it' {
        $db = Join-Path $TestDrive 'shared.db'
        $a = Connect-Engram -Local -Path $db -PassThru
        $b = Connect-Engram -Local -Path $db -PassThru
        $a.DatabasePath | Should -Be $db
        Add-EngramMemory -Content 'written through a' -Bucket s -Connection $a | Out-Null
        (Get-EngramMemory -Bucket s -Connection $b).Content | Should -Contain 'written through a'
        Disconnect-Engram -Connection $a
        Disconnect-Engram -Connection $b
    }

    It 'keeps a -PassThru connection usable after another Connect-Engram, and -Connection picks it' {
        $first = Connect-Engram -Local -InMemory -PassThru
        Add-EngramMemory -Content 'only in the first' -Bucket p -Connection $first | Out-Null
        Connect-Engram -Local -InMemory
        (Get-EngramMemory -Bucket p -Connection $first).Content | Should -Be 'only in the first'
        # The new default connection's engine has no bucket p at all.
        { Get-EngramMemory -Bucket p -ErrorAction Stop } | Should -Throw -ErrorId 'EngramBucketNotFound,*'
        Disconnect-Engram -Connection $first
    }

    It 'reports EngramConnectionClosed for a disconnected connection' {
        $c = Connect-Engram -Local -InMemory -PassThru
        Disconnect-Engram -Connection $c
        $c.IsOpen | Should -BeFalse
        { Get-EngramBucket -Connection $c -ErrorAction Stop } | Should -Throw -ErrorId 'EngramConnectionClosed,*'
    }

    It 'rejects a base URL that is not http(s)' {
        { Connect-Engram -ApiKey 'k' -BaseUrl 'ftp://example' -ErrorAction Stop } | Should -Throw -ErrorId 'EngramInvalidArgument,*'
    }

    It 'says which variable to set when there is no key' {
        { Connect-Engram -BaseUrl 'http://127.0.0.1:9' -ErrorAction Stop } | Should -Throw -ErrorId 'EngramApiKeyMissing,*'
    }

    It 'shows the settings the client resolved: its defaults, or what was given' {
        $defaults = Connect-Engram -ApiKey 'k' -BaseUrl 'http://127.0.0.1:9/prefix//' -PassThru
        $defaults.BaseUrl | Should -Be 'http://127.0.0.1:9/prefix'
        $defaults.TimeoutSeconds | Should -Be 30
        $defaults.MaxRetriesOn429 | Should -Be 3
        $given = Connect-Engram -ApiKey 'k' -BaseUrl 'http://127.0.0.1:9' -TimeoutSeconds 7 -StreamTimeoutSeconds 8 -MaxRetriesOn429 0 -PassThru
        $given.TimeoutSeconds | Should -Be 7
        $given.MaxRetriesOn429 | Should -Be 0
        Disconnect-Engram -Connection $defaults
        Disconnect-Engram -Connection $given
    }

    It 'accepts the key as a SecureString and as plain text' {
        $server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_plain' 6>$null
        try {
            Connect-Engram -BaseUrl $server.BaseUrl -ApiKey (ConvertTo-SecureString 'eng_test_plain' -AsPlainText -Force)
            { Get-EngramBucket -ErrorAction Stop } | Should -Not -Throw
            Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_plain'
            (Get-EngramConnection).Kind | Should -Be 'Http'
            { Get-EngramBucket -ErrorAction Stop } | Should -Not -Throw
        }
        finally { $server | Stop-EngramLocalServer }
    }

    It 'connects from a piped local server (BaseUrl and ApiKey bind by property name)' {
        $server = Start-EngramLocalServer -InMemory 6>$null
        try {
            $c = $server | Connect-Engram -PassThru
            $c.BaseUrl | Should -Be $server.BaseUrl
            New-EngramBucket -Name piped -Connection $c | Out-Null
            (Get-EngramBucket -Connection $c).Name | Should -Contain 'piped'
        }
        finally { $server | Stop-EngramLocalServer }
    }
}

Describe 'The implicit connection from ENGRAM_API_KEY' {
    BeforeAll {
        $script:server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_env_key' 6>$null
    }
    AfterAll {
        Remove-Item Env:ENGRAM_API_KEY, Env:ENGRAM_BASE_URL -ErrorAction SilentlyContinue
        Disconnect-Engram
        $script:server | Stop-EngramLocalServer
    }

    It 'lets cmdlets work without Connect-Engram' {
        $env:ENGRAM_API_KEY = 'eng_test_env_key'
        $env:ENGRAM_BASE_URL = $script:server.BaseUrl
        New-EngramBucket -Name from-env | Out-Null
        (Get-EngramBucket -Name from-env).Name | Should -Be 'from-env'
        $c = Get-EngramConnection
        $c.Source | Should -Be 'Environment'
        $c.BaseUrl | Should -Be $script:server.BaseUrl
    }

    It 'takes a blank ENGRAM_BASE_URL as unset, and a blank ENGRAM_API_KEY as no connection' {
        $env:ENGRAM_API_KEY = 'eng_test_env_key'
        $env:ENGRAM_BASE_URL = '   '
        (Get-EngramConnection).BaseUrl | Should -Be 'https://api.lumetra.io'
        $env:ENGRAM_API_KEY = '  '
        Get-EngramConnection | Should -BeNullOrEmpty
    }

    It 'follows a changed variable' {
        $env:ENGRAM_API_KEY = 'eng_test_wrong_key'
        $env:ENGRAM_BASE_URL = $script:server.BaseUrl
        { Get-EngramBucket -ErrorAction Stop } | Should -Throw -ErrorId 'EngramHttp401,*'
    }

    It 'gives way to Connect-Engram' {
        $env:ENGRAM_API_KEY = 'eng_test_env_key'
        Connect-Engram -Local -InMemory
        (Get-EngramConnection).Kind | Should -Be 'Local'
    }
}

Describe 'Connections per runspace' {
    AfterAll { Disconnect-Engram }

    It 'does not share the default connection with another runspace' {
        Connect-Engram -Local -InMemory
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m) Import-Module $m; $c = Get-EngramConnection; if ($c) { "connected" } else { "none" }').AddArgument($env:ENGRAM_TEST_MODULE)
            $ps.Invoke() | Should -Be 'none'
        }
        finally { $ps.Dispose() }
        (Get-EngramConnection).Kind | Should -Be 'Local'
    }

    It 'lets -Parallel runspaces use a connection passed with $using:' {
        $c = Connect-Engram -Local -InMemory -PassThru
        $module = $env:ENGRAM_TEST_MODULE
        $results = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:module
            Add-EngramMemory -Content "parallel fact $_" -Bucket par -Connection $using:c
        }
        @($results).Count | Should -Be 3
        (Get-EngramMemory -Bucket par -Connection $c).Count | Should -Be 3
        Disconnect-Engram -Connection $c
    }
}
