BeforeAll {
    $manifestPath = $env:ENGRAM_TEST_MODULE
    Import-Module $manifestPath -Force
}

Describe 'The staged Lumetra.Engram module' {
    It 'imports from the staged folder, not from a build folder' {
        $module = Get-Module Lumetra.Engram
        $module | Should -Not -BeNullOrEmpty
        $module.ModuleBase | Should -Be (Split-Path $env:ENGRAM_TEST_MODULE)
        $module.ModuleBase | Should -Not -Match '[\\/]bin[\\/]'
    }

    It 'has a manifest that Test-ModuleManifest accepts, with the version from Engram.psd1' {
        $manifest = Test-ModuleManifest -Path $env:ENGRAM_TEST_MODULE
        $source = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Engram.psd1')
        $manifest.Version.ToString() | Should -Be $source.ModuleVersion
        $manifest.CompatiblePSEditions | Should -Contain 'Core'
        $manifest.CompatiblePSEditions | Should -Contain 'Desktop'
    }

    It 'ships the SQLite native library for every supported runtime' {
        $base = Split-Path $env:ENGRAM_TEST_MODULE
        foreach ($rid in 'linux-x64', 'linux-arm64', 'osx-x64', 'osx-arm64', 'win-x64') {
            Get-ChildItem (Join-Path $base "lib/runtimes/$rid/native") -File | Should -Not -BeNullOrEmpty -Because "$rid needs its native SQLite"
        }
    }

    It 'does not ship System.Management.Automation (PowerShell provides it)' {
        Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'System.Management.Automation.dll' | Should -Not -Exist
        Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'lib/System.Management.Automation.dll' | Should -Not -Exist
    }

    It 'keeps its dependencies out of PowerShell''s default load context' {
        $null = Connect-Engram -Local -InMemory -PassThru
        try { $null = Add-EngramMemory 'Load context check.' -Bucket alc }
        finally { Disconnect-Engram }
        $lib = Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'lib'
        foreach ($name in 'Engram.PowerShell', 'Engram.Client', 'Engram.Local', 'Microsoft.Data.Sqlite', 'SQLitePCLRaw.core', 'Microsoft.Bcl.AsyncInterfaces') {
            $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name -and $_.Location -like "$lib*" }
            $assembly | Should -Not -BeNullOrEmpty -Because "$name is loaded from the module's lib folder"
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly) | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
        }
    }

    It 'loads the native SQLite from lib/runtimes/<rid>/native' -Skip:(-not $IsLinux) {
        $null = Connect-Engram -Local -InMemory -PassThru
        try { $null = Add-EngramMemory 'Native library check.' -Bucket native }
        finally { Disconnect-Engram }
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        $expected = Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) "lib/runtimes/$rid/native/libe_sqlite3.so"
        Get-Content "/proc/$PID/maps" | Where-Object { $_.EndsWith($expected) } | Should -Not -BeNullOrEmpty
    }

    It 'loads the USearch vector index natives from lib/runtimes/linux-x64/native in its own load context' -Skip:(-not $IsLinux -or [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -ne 'X64') {
        $null = Connect-Engram -Local -InMemory -PassThru
        try { $null = Add-EngramMemory 'Native library check.' -Bucket native }
        finally { Disconnect-Engram }
        $local = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Engram.Local' }
        # Large buckets use the index; a small one never loads it, so ask the engine's probe directly.
        $natives = $local.GetType('Engram.Local.Retrieval.USearchNatives')
        $natives.GetProperty('Available', [System.Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null) | Should -BeTrue
        $usearch = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Cloud.Unum.USearch' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($usearch) | Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
        $expected = Join-Path (Split-Path $env:ENGRAM_TEST_MODULE) 'lib/runtimes/linux-x64/native/libusearch_c.so'
        Get-Content "/proc/$PID/maps" | Where-Object { $_.EndsWith($expected) } | Should -Not -BeNullOrEmpty
    }
}

Describe 'Import-Module Lumetra.Engram alone (a fresh process)' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'FreshProcess.ps1')
        $run = Invoke-FreshPwsh -ScriptPath (Join-Path $PSScriptRoot 'Scripts/Import-Only.ps1') -Parameters @{ ModulePath = $env:ENGRAM_TEST_MODULE }
        $imported = Get-ChildResult $run
    }

    It 'loads none of the heavy assemblies: the engine, SQLite, the model, ONNX Runtime, Kestrel, provider SDKs' {
        # They load on first use (Connect-Engram, a query, Start-EngramLocalServer, a provider), so importing stays fast.
        $heavy = 'Engram.Local', 'Engram.Server', 'Engram.Embeddings.*', 'Microsoft.ML.OnnxRuntime', 'Microsoft.Data.Sqlite', 'SQLitePCLRaw.*',
            'Cloud.Unum.USearch', 'Microsoft.AspNetCore.*', 'OpenAI', 'Anthropic', 'Microsoft.Extensions.AI*', 'System.ClientModel', 'JsonSchema.Net'
        $loaded = @($imported.Assemblies | Where-Object { $name = $_; $heavy.Where({ $name -like $_ }).Count -gt 0 })
        $loaded | Should -BeNullOrEmpty -Because "Import-Module loaded $($imported.Assemblies -join ', ')"
        $imported.Assemblies | Should -Contain 'Engram.PowerShell'
    }

    It 'auto-loads no other PowerShell module (such as Microsoft.PowerShell.Utility, ~200 ms of a fresh import)' {
        @($imported.Modules) | Should -BeNullOrEmpty -Because "Import-Module also loaded $($imported.Modules -join ', ')"
    }
}
