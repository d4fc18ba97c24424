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
}
