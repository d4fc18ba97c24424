# Another module in the same session with its own, older SQLite stack (Microsoft.Data.Sqlite 6.0.7 and
# SQLitePCLRaw 2.0.6, from NuGet through build/BuildTools.csproj) must neither break Lumetra.Engram nor be
# broken by it, whichever loads first. Each order runs in a fresh pwsh: assemblies cannot be unloaded.
BeforeAll {
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')

    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        ((& dotnet nuget locals global-packages --list | Select-Object -First 1) -replace '^global-packages:\s*', '').Trim()
    }
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $native = if ($IsWindows) { 'e_sqlite3.dll' } elseif ($IsMacOS) { 'libe_sqlite3.dylib' } else { 'libe_sqlite3.so' }

    # The other module's folder, laid out as such a module ships it: assemblies and the native library together.
    $script:otherFolder = Join-Path $TestDrive 'OtherSqliteModule'
    $null = New-Item -ItemType Directory -Path $script:otherFolder
    $files = @(
        "microsoft.data.sqlite.core/6.0.7/lib/netstandard2.0/Microsoft.Data.Sqlite.dll"
        "sqlitepclraw.core/2.0.6/lib/netstandard2.0/SQLitePCLRaw.core.dll"
        "sqlitepclraw.provider.e_sqlite3/2.0.6/lib/netstandard2.0/SQLitePCLRaw.provider.e_sqlite3.dll"
        "sqlitepclraw.bundle_e_sqlite3/2.0.6/lib/netstandard2.0/SQLitePCLRaw.batteries_v2.dll"
        "sqlitepclraw.lib.e_sqlite3/2.0.6/runtimes/$rid/native/$native"
    )
    foreach ($file in $files) {
        $path = Join-Path $packages $file
        if (-not (Test-Path $path)) { throw "$path is missing: run the tests through build.ps1, which restores build/BuildTools.csproj." }
        Copy-Item $path -Destination $script:otherFolder
    }
    $script:shippedSqlite = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'lib/Microsoft.Data.Sqlite.dll')).Version.ToString()
}

Describe 'Lumetra.Engram beside another module''s SQLite (<Order>)' -ForEach @(
    @{ Order = 'OtherFirst' }
    @{ Order = 'EngramFirst' }
) {
    BeforeAll {
        $script:run = Invoke-FreshPwsh -ScriptPath (Join-Path $PSScriptRoot 'Scripts/Use-BesideOtherSqlite.ps1') -Parameters @{
            Order = $Order; OtherFolder = $script:otherFolder; ModulePath = $env:ENGRAM_TEST_MODULE; DatabasePath = (Join-Path $TestDrive "$Order.db")
        }
    }

    It 'runs to the end' {
        $script:run.ExitCode | Should -Be 0 -Because $script:run.Text
    }

    It 'leaves the other module''s SQLite working, before and after' {
        $result = Get-ChildResult $script:run
        $result.OtherAfter | Should -Match '^other module, after / 3\.\d+\.\d+$'
        if ($Order -eq 'OtherFirst') { $result.OtherBefore | Should -Match '^other module, before / 3\.\d+\.\d+$' }
    }

    It 'stores and answers, buffered and streamed, with the other stack loaded' {
        $result = Get-ChildResult $script:run
        if ($Order -eq 'OtherFirst') {
            $result.Engram.Cited | Should -Contain 'The VPN certificate expires on 1 March.'
            $result.Engram.Streamed | Should -Match '1 March'
        }
        else {
            $result.EngramBefore.Cited | Should -Contain 'The VPN certificate expires on 1 March.'
            $result.Engram.Cited | Should -Contain 'The backup key rotates every 90 days.'
            $result.Engram.Streamed | Should -Match '90 days'
        }
        $result.HttpStreamed | Should -Match '1 March'
    }

    It 'keeps both versions loaded side by side, ours in the module''s own load context' {
        $result = Get-ChildResult $script:run
        $sqlite = @($result.Sqlite)
        $sqlite.Count | Should -Be 2
        ($sqlite | Where-Object Version -eq '6.0.7.0').Context | Should -Match 'Default'
        ($sqlite | Where-Object Version -eq $script:shippedSqlite).Context | Should -Match '^Lumetra\.Engram \('
        $core = @($result.SqlitePclCore)
        $core.Count | Should -Be 2
        @($core | Where-Object Context -Match 'Default').Version | Should -BeLike '2.0.6*'
    }
}

Describe 'Streaming beside PowerShell''s own Microsoft.Bcl.AsyncInterfaces' {
    # PowerShell ships an older build of Microsoft.Bcl.AsyncInterfaces than the module references; in the
    # default context that older copy would make every streamed query fail to bind.
    BeforeAll {
        $script:bclScript = Join-Path $TestDrive 'bcl.ps1'
        Set-Content -Path $script:bclScript -Value @'
param([string] $ModulePath)
$ErrorActionPreference = 'Stop'
$hostCopy = [System.Reflection.Assembly]::Load('Microsoft.Bcl.AsyncInterfaces')
Import-Module $ModulePath
Connect-Engram -Local -InMemory
$null = Add-EngramMemory 'Releases ship on Thursdays.' -Bucket bcl
$streamed = Invoke-EngramQuery 'When do releases ship?' -Bucket bcl -Stream 6>$null
$copies = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Bcl.AsyncInterfaces' } |
    ForEach-Object { [pscustomobject]@{ Version = "$($_.GetName().Version)"; Context = "$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_))" } })
'RESULT:' + ([pscustomobject]@{ HostVersion = "$($hostCopy.GetName().Version)"; Answer = $streamed.Answer; Copies = $copies } | ConvertTo-Json -Compress)
'@
        $script:run = Invoke-FreshPwsh -ScriptPath $script:bclScript -Parameters @{ ModulePath = $env:ENGRAM_TEST_MODULE }
    }

    It 'streams with the host''s copy already loaded, using the module''s own copy' {
        $script:run.ExitCode | Should -Be 0 -Because $script:run.Text
        $result = Get-ChildResult $script:run
        $result.Answer | Should -Match 'Thursdays'
        $shipped = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'lib/Microsoft.Bcl.AsyncInterfaces.dll')).Version.ToString()
        $ours = @($result.Copies | Where-Object Context -Match '^Lumetra\.Engram \(')
        $ours.Count | Should -Be 1
        $ours[0].Version | Should -Be $shipped
        @($result.Copies | Where-Object Context -Match 'Default').Version | Should -Be $result.HostVersion
    }
}
