# Publish the staged module to a folder repository, then install it as users do, with each client, into
# clean module paths, and use the installed copy. Each step runs in a fresh pwsh whose HOME and
# XDG_DATA_HOME (where CurrentUser installs and repository registrations go on Linux and macOS) are a temp
# folder, so nothing touches this machine's real module folders or repository registrations.
BeforeDiscovery {
    # HOME and XDG_DATA_HOME do not move the user folders on Windows; not run there.
    $script:skipInstall = $IsWindows
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')
    $script:stagedModule = Split-Path $env:ENGRAM_TEST_MODULE
    $script:version = (Import-PowerShellDataFile $env:ENGRAM_TEST_MODULE).ModuleVersion
    $script:repository = Join-Path $TestDrive 'repo/nested'
    $publishHome = Join-Path $TestDrive 'publish-home'
    $script:publish = Invoke-FreshPwsh -ScriptPath (Join-Path $PSScriptRoot 'Scripts/Publish-ToFolder.ps1') `
        -Parameters @{ ModulePath = $script:stagedModule; Repository = $script:repository } `
        -Environment @{ HOME = $publishHome; XDG_DATA_HOME = (Join-Path $publishHome '.local/share') }
}

Describe 'Publishing to a folder repository' -Skip:$script:skipInstall {
    It 'creates the repository folder and writes the module package' {
        $script:publish.ExitCode | Should -Be 0 -Because $script:publish.Text
        $result = Get-ChildResult $script:publish
        $result.Package | Should -Be (Join-Path $script:repository "Lumetra.Engram.$($script:version).nupkg")
        $result.Package | Should -Exist
    }

    It 'writes no client settings into the working directory' {
        # PSResourceGet falls back to a relative PSResourceGet/ folder when the user data folder is missing.
        Join-Path (Get-Location) 'PSResourceGet' | Should -Not -Exist
    }

    It 'leaves no repository registration behind' {
        $result = Get-ChildResult $script:publish
        $result.Repositories | Where-Object { $_ -like 'LumetraEngramPublish-*' } | Should -BeNullOrEmpty
    }

    It 'packs the whole staged module: loader, lib, native SQLite, help, formats and LICENSE' {
        $package = (Get-ChildResult $script:publish).Package
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        foreach ($expected in 'Lumetra.Engram.psd1', 'Lumetra.Engram.psm1', 'Engram.PowerShell.Loader.dll', 'LICENSE',
            'Lumetra.Engram.format.ps1xml', 'en-US/Engram.PowerShell.dll-Help.xml', 'en-US/about_Lumetra.Engram.help.txt',
            'lib/Engram.PowerShell.dll', 'lib/Microsoft.Data.Sqlite.dll', 'lib/runtimes/linux-x64/native/libe_sqlite3.so', 'lib/runtimes/win-x64/native/e_sqlite3.dll') {
            $entries | Should -Contain $expected
        }
    }
}

Describe 'Installing with <Client>' -Skip:$script:skipInstall -ForEach @(
    @{ Client = 'PowerShellGet'; Command = 'Install-Module' }
    @{ Client = 'PSResourceGet'; Command = 'Install-PSResource' }
) {
    BeforeAll {
        $userHome = Join-Path $TestDrive "home-$Client"
        $userData = Join-Path $userHome '.local/share'
        # Both clients' CurrentUser scope on Linux and macOS.
        $script:installRoot = Join-Path $userData 'powershell/Modules'
        $script:run = Invoke-FreshPwsh -ScriptPath (Join-Path $PSScriptRoot 'Scripts/Install-AndUse.ps1') `
            -Parameters @{ Client = $Client; Repository = $script:repository; InstallRoot = $script:installRoot; DatabasePath = (Join-Path $TestDrive "$Client.db") } `
            -Environment @{ HOME = $userHome; XDG_DATA_HOME = $userData }
    }

    It '<Command> installs it, and the installed copy (not out/) is the one imported' {
        $script:run.ExitCode | Should -Be 0 -Because $script:run.Text
        $result = Get-ChildResult $script:run
        # PowerShellGet records the source location, PSResourceGet the repository name.
        $result.InstalledVia | Should -BeIn @('EngramTestRepo', $script:repository)
        $result.InstalledLocation | Should -BeLike "$($script:installRoot)*"
        $result.Version | Should -Be $script:version
        $result.ModuleBase | Should -BeLike "$($script:installRoot)*"
        $result.ModuleBase | Should -Not -BeLike "$($script:stagedModule)*"
        Join-Path $result.ModuleBase 'lib/Engram.PowerShell.dll' | Should -Exist
    }

    It 'exports the cmdlets under the module name and answers from a stored memory' {
        $result = Get-ChildResult $script:run
        $result.CmdletSource | Should -Be 'Lumetra.Engram'
        $result.Cited | Should -Contain 'The staging database is restored from backup every Monday at 04:00 UTC.'
        $result.Answer | Should -Match 'Monday'
    }
}
