# The staged manifest is what the gallery and Install-Module read: check everything a publisher must get right.
BeforeAll {
    $script:manifestPath = $env:ENGRAM_TEST_MODULE
    $script:moduleBase = Split-Path $script:manifestPath
    $script:data = Import-PowerShellDataFile $script:manifestPath
    $script:source = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Engram.psd1')
    $script:repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
}

Describe 'The staged module manifest' {
    It 'passes Test-ModuleManifest without errors or warnings' {
        $manifest = Test-ModuleManifest -Path $script:manifestPath -ErrorVariable problems -WarningVariable warnings -ErrorAction SilentlyContinue
        $problems | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
        $manifest.Name | Should -Be 'Lumetra.Engram'
    }

    It 'takes its version from Engram.psd1, the one version source, which the assemblies carry too' {
        $script:data.ModuleVersion | Should -Be $script:source.ModuleVersion
        $assembly = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $script:moduleBase 'lib/Engram.PowerShell.dll'))
        $assembly.Version.ToString(3) | Should -Be $script:source.ModuleVersion
        Split-Path $script:moduleBase -Leaf | Should -Be $script:source.ModuleVersion
    }

    It 'runs on PowerShell 7 and Windows PowerShell 5.1' {
        $script:data.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $script:data.PowerShellVersion | Should -Be '5.1'
    }

    It 'lists exactly the cmdlets the module exports, without wildcards, and exports nothing else' {
        $listed = @($script:data.CmdletsToExport)
        $listed | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        $module = Import-Module $script:manifestPath -Force -PassThru
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($listed | Sort-Object)
        foreach ($key in 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            $script:data.ContainsKey($key) | Should -BeTrue -Because "$key must be explicit (an empty list), not left to the '*' default"
            @($script:data[$key]).Count | Should -Be 0
        }
        $module.ExportedFunctions.Count | Should -Be 0
    }

    It 'ships its root module, loader and format file' {
        Join-Path $script:moduleBase $script:data.RootModule | Should -Exist
        Join-Path $script:moduleBase 'Engram.PowerShell.Loader.dll' | Should -Exist
        $script:data.FormatsToProcess | Should -Not -BeNullOrEmpty
        foreach ($format in $script:data.FormatsToProcess) { Join-Path $script:moduleBase $format | Should -Exist }
        foreach ($types in $script:data.TypesToProcess) { Join-Path $script:moduleBase $types | Should -Exist }
    }

    It 'has gallery metadata: tags, project and license links, release notes' {
        $psData = $script:data.PrivateData.PSData
        $psData.Tags | Should -Contain 'PSEdition_Core'
        $psData.Tags | Should -Contain 'PSEdition_Desktop'
        $psData.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty -Because 'gallery tags cannot contain spaces'
        foreach ($key in 'ProjectUri', 'LicenseUri') {
            $uri = [uri] $psData[$key]
            $uri.IsAbsoluteUri | Should -BeTrue
            $uri.Scheme | Should -Be 'https'
        }
        $psData.LicenseUri | Should -BeLike "$($psData.ProjectUri)*/LICENSE"
        $psData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $script:data.Author | Should -Be 'Lumetra'
        $script:data.Description | Should -Not -BeNullOrEmpty
    }

    It 'ships the MIT LICENSE the LicenseUri points to' {
        $shipped = Join-Path $script:moduleBase 'LICENSE'
        $shipped | Should -Exist
        Get-Content -Raw $shipped | Should -Be (Get-Content -Raw (Join-Path $script:repoRoot 'LICENSE'))
        Get-Content -Raw $shipped | Should -Match '^MIT License'
        Get-Content -Raw $shipped | Should -Match 'Copyright \(c\) \d{4} Lumetra'
        $script:data.Copyright | Should -Match 'Lumetra'
        $script:data.Copyright | Should -Match 'MIT'
    }
}
