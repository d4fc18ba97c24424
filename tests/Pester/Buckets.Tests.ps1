BeforeAll {
    . (Join-Path $PSScriptRoot 'EngramTestSupport.ps1')
}

Describe 'Buckets, profiles and errors over a <Mode> connection' -ForEach @(@{ Mode = 'Local' }, @{ Mode = 'Http' }) {
    BeforeAll {
        $script:ctx = New-TestConnection -Mode $Mode
        $script:c = $script:ctx.Connection
        $PSDefaultParameterValues = Use-TestConnection $script:c
    }
    AfterAll { Remove-TestConnection $script:ctx }

    It 'creates, lists with wildcards and removes buckets' {
        $new = New-EngramBucket -Name ops-eu -Description 'Europe'
        $new.Name | Should -Be 'ops-eu'
        $new | Should -BeOfType Engram.PowerShell.EngramBucket
        New-EngramBucket -Name ops-us | Out-Null
        New-EngramBucket -Name other | Out-Null
        (Get-EngramBucket -Name 'ops-*').Name | Should -Be 'ops-eu', 'ops-us'
        (Get-EngramBucket -Name 'ops-eu').Description | Should -Be 'Europe'
        Get-EngramBucket -Name 'ops-*' | Remove-EngramBucket -Force
        (Get-EngramBucket).Name | Should -Be 'other'
    }

    It 'tab-completes bucket names from the connected service' {
        New-EngramBucket -Name complete-me | Out-Null
        $line = 'Get-EngramMemory -Connection $c -Bucket compl'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'complete-me'
    }

    It 'offers no completions, without failing, when the service cannot be reached' {
        $dead = Connect-Engram -BaseUrl 'http://127.0.0.1:9' -ApiKey 'eng_test_unreachable' -PassThru
        try {
            $line = 'Get-EngramMemory -Connection $dead -Bucket compl'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
        }
        finally { Disconnect-Engram -Connection $dead }
    }

    It 'lets a failure further down the pipeline stop the pipeline instead of reporting it as its own' {
        $err = $null
        $after = $false
        try {
            New-EngramBucket downstream | Out-Null
            Get-EngramProfile -Bucket downstream | ForEach-Object { throw 'failed downstream' }
            $after = $true
        }
        catch { $err = $_ }
        $after | Should -BeFalse
        "$err" | Should -Be 'failed downstream'
        $err.FullyQualifiedErrorId | Should -Not -BeLike 'Engram*'
    }

    It 'reports the memory count' {
        'one', 'two' | Add-EngramMemory -Bucket counted | Out-Null
        (Get-EngramBucket -Name counted).MemoryCount | Should -Be 2
    }

    It 'pipes buckets into -Bucket parameters through BucketName' {
        'piped fact' | Add-EngramMemory -Bucket piped-bucket | Out-Null
        (Get-EngramBucket -Name piped-bucket | Get-EngramMemory).Content | Should -Be 'piped fact'
    }

    It 'says EngramBucketNotFound for a missing exact name, and nothing for a wildcard' {
        $errors = $null
        Get-EngramBucket -Name no-such-bucket -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'EngramBucketNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-EngramBucket -Name 'no-such-*' -ErrorAction Stop | Should -BeNullOrEmpty
    }

    It 'maps a duplicate bucket to EngramHttp409 / ResourceExists' {
        New-EngramBucket -Name twice | Out-Null
        $err = $null
        try { New-EngramBucket -Name twice -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramHttp409,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.Exception | Should -BeOfType Engram.Client.EngramException
        $err.Exception.Status | Should -Be 409
    }

    It 'maps a missing bucket to EngramBucketNotFound / ObjectNotFound, status 404' {
        $err = $null
        try { Remove-EngramBucket -Name never-existed -Force -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramBucketNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Status | Should -Be 404
    }

    It 'deletes nothing with -WhatIf, even with -Force' {
        New-EngramBucket -Name keep-me | Out-Null
        Remove-EngramBucket -Name keep-me -WhatIf
        Remove-EngramBucket -Name keep-me -WhatIf -Force
        (Get-EngramBucket -Name keep-me).Name | Should -Be 'keep-me'
        Remove-EngramBucket -Name keep-me -Confirm:$false
        Get-EngramBucket -Name 'keep-*' | Should -BeNullOrEmpty
    }

    It 'requires a non-empty name to delete a bucket' {
        { Remove-EngramBucket -Name '' -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        (Get-Command Remove-EngramBucket).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    It 'reports a profile as not_installed before a profiler exists' {
        'Alice prefers dark mode.' | Add-EngramMemory -Bucket profiled | Out-Null
        $p = Get-EngramProfile -Bucket profiled
        $p | Should -BeOfType Engram.PowerShell.BucketProfile
        $p.Bucket | Should -Be 'profiled'
        $p.Status | Should -Be 'not_installed'
    }

    It 'maps regenerating a bucket without a profiler (one never stored to) to EngramHttp412 with a recommended action' {
        $err = $null
        # Regenerate installs a profiler on demand (issue 11): only a bucket that does not exist is refused.
        try { Update-EngramProfile -Bucket never-stored -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'EngramHttp412,*'
        $err.Exception.Code | Should -Be 'BUCKET_PROFILER_NOT_INSTALLED'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Install'
    }
}

Describe 'Profiles on a local connection' {
    BeforeAll {
        $script:c = Connect-Engram -Local -InMemory -PassThru
        $PSDefaultParameterValues = Use-TestConnection $script:c
    }
    AfterAll { Disconnect-Engram -Connection $script:c }

    It 'installs the local profiler with -Install and returns a ready profile' {
        'Alice prefers dark mode.', 'Alice works from Lisbon.' | Add-EngramMemory -Bucket alice | Out-Null
        $p = Update-EngramProfile -Bucket alice -Install
        $p.Status | Should -Be 'ready'
        $p.Profile | Should -Match 'Lisbon'
        (Get-EngramProfile -Bucket alice).Status | Should -Be 'ready'
    }

    It 'refuses -Install on an HTTP connection, saying why' {
        $server = Start-EngramLocalServer -InMemory -ApiKey 'eng_test_install' 6>$null
        try {
            $http = Connect-Engram -BaseUrl $server.BaseUrl -ApiKey 'eng_test_install' -PassThru
            { Update-EngramProfile -Bucket x -Install -Connection $http } | Should -Throw -ErrorId 'EngramInstallNeedsLocal,*'
        }
        finally { $server | Stop-EngramLocalServer }
    }
}
