# The companion module Lumetra.Engram.Embeddings (local all-MiniLM-L6-v2 model, ONNX Runtime, natives) is
# staged beside the main module; the main module finds it, loads it only on use, and works without it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'FreshProcess.ps1')
    $script:mainBase = Split-Path $env:ENGRAM_TEST_MODULE
    $version = Split-Path $script:mainBase -Leaf
    $script:companionBase = Join-Path (Split-Path (Split-Path $script:mainBase)) "Lumetra.Engram.Embeddings/$version"
    $script:useEmbedder = Join-Path $PSScriptRoot 'Scripts/Use-LocalEmbedder.ps1'
}

Describe 'The companion module Lumetra.Engram.Embeddings' {
    It 'is staged beside the main module with the same version, requiring it, with no commands of its own' {
        $manifest = Import-PowerShellDataFile (Join-Path $script:companionBase 'Lumetra.Engram.Embeddings.psd1')
        $main = Import-PowerShellDataFile $env:ENGRAM_TEST_MODULE
        $manifest.ModuleVersion | Should -Be $main.ModuleVersion
        $manifest.RequiredModules[0].ModuleName | Should -Be 'Lumetra.Engram'
        $manifest.RequiredModules[0].ModuleVersion | Should -Be $main.ModuleVersion
        $manifest.CmdletsToExport.Count | Should -Be 0
        $manifest.CompatiblePSEditions | Should -Contain 'Desktop'
    }

    It 'ships the model, its vocabulary, hash and licence notices, and ONNX Runtime''s licence' {
        $model = Join-Path $script:companionBase 'lib/models/all-MiniLM-L6-v2'
        foreach ($file in 'model.onnx', 'vocab.txt', 'model.onnx.sha256', 'NOTICE.txt', 'LICENSE-Apache-2.0.txt') {
            Join-Path $model $file | Should -Exist
        }
        (Get-Item (Join-Path $model 'model.onnx')).Length | Should -BeGreaterThan 80MB
        Get-Content (Join-Path $model 'NOTICE.txt') -Raw | Should -Match 'Apache License, Version 2.0'
        Join-Path $script:companionBase 'lib/ONNXRUNTIME-LICENSE.txt' | Should -Exist
        Join-Path $script:companionBase 'LICENSE' | Should -Exist
    }

    It 'ships ONNX Runtime''s native library for <_>' -ForEach 'linux-x64', 'linux-arm64', 'osx-arm64', 'win-x64' {
        Get-ChildItem (Join-Path $script:companionBase "lib/runtimes/$_/native") -Filter '*onnxruntime*' | Should -Not -BeNullOrEmpty
    }

    It 'leaves the model and ONNX Runtime out of the main module' {
        Join-Path $script:mainBase 'lib/Engram.Embeddings.Onnx.dll' | Should -Not -Exist
        Join-Path $script:mainBase 'lib/Microsoft.ML.OnnxRuntime.dll' | Should -Not -Exist
        Join-Path $script:mainBase 'lib/models' | Should -Not -Exist
        Get-ChildItem (Join-Path $script:mainBase 'lib') -Recurse -Filter '*onnxruntime*' | Should -BeNullOrEmpty
    }
}

Describe 'The local embedder through the installed modules' {
    It 'loads from the companion only on use, through the main module''s load context, and embeds' -Skip:(-not $IsCoreCLR) {
        $run = Invoke-FreshPwsh -ScriptPath $script:useEmbedder -Parameters @{ ModulePath = $env:ENGRAM_TEST_MODULE }
        $result = Get-ChildResult $run
        $result.LoadedAtImport | Should -Be 0 -Because 'Import-Module must not load the model or ONNX Runtime'
        $result.Available | Should -BeTrue -Because $run.Text
        $result.Location | Should -BeLike "$script:companionBase*"
        $result.Count | Should -Be 3
        $result.Dimensions | Should -Be 384
        $result.Norm | Should -BeGreaterThan 0.9999
        $result.Norm | Should -BeLessThan 1.0001
        $result.CosineS3V3 | Should -BeLessThan 0.999 -Because 'S3 and v3 must not both become [UNK]'
        $result.Identity | Should -Match '^local-onnx/all-MiniLM-L6-v2@[0-9a-f]{8};mean;l2/384$'
        # The module carries ONNX Runtime's netstandard2.0 build, whose natives the embedder's own loader finds.
        $result.OnnxRuntimeFramework | Should -BeLike '.NETStandard*'
        $result.OnnxRuntimeLocation | Should -BeLike "$script:companionBase*"
    }

    It 'loads ONNX Runtime''s native library from the companion''s lib/runtimes/RID/native' -Skip:(-not $IsLinux) {
        $result = Get-ChildResult (Invoke-FreshPwsh -ScriptPath $script:useEmbedder -Parameters @{ ModulePath = $env:ENGRAM_TEST_MODULE })
        $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
        @($result.NativeLoaded) | Should -Be @((Join-Path $script:companionBase "lib/runtimes/$rid/native/libonnxruntime.so"))
    }

    It 'is simply absent when the companion is not installed, and the main module still works' -Skip:(-not $IsCoreCLR) {
        # The main module alone, in a folder with no companion beside it and none on PSModulePath.
        $alone = Join-Path $TestDrive 'alone/Lumetra.Engram'
        $null = New-Item -ItemType Directory -Path $alone -Force
        Copy-Item $script:mainBase -Destination $alone -Recurse
        $manifest = Join-Path $alone "$(Split-Path $script:mainBase -Leaf)/Lumetra.Engram.psd1"

        $run = Invoke-FreshPwsh -ScriptPath $script:useEmbedder -Parameters @{ ModulePath = $manifest } -Environment @{ PSModulePath = (Join-Path $TestDrive 'empty') }
        $result = Get-ChildResult $run
        $result.Available | Should -BeFalse
        $result.Error | Should -Match 'Engram.Embeddings.Onnx'
        $result.StoredWithoutCompanion | Should -Be 1
    }

    It 'is published beside the main module, and installing it alone brings both and semantic recall' -Skip:(-not $IsCoreCLR) {
        $repository = Join-Path $TestDrive 'repo'
        $installed = Join-Path $TestDrive 'installed'
        $userHome = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Path $installed -Force
        $publish = Invoke-FreshPwsh -ScriptPath (Join-Path $PSScriptRoot 'Scripts/Publish-AndSaveCompanion.ps1') -Parameters @{
            StageRoot = (Split-Path (Split-Path $script:mainBase)); Version = (Split-Path $script:mainBase -Leaf); Repository = $repository; InstallPath = $installed
        } -Environment @{ HOME = $userHome; XDG_DATA_HOME = (Join-Path $userHome '.local/share') }
        $published = Get-ChildResult $publish
        $published.Packages | Should -Contain "Lumetra.Engram.Embeddings.$(Split-Path $script:mainBase -Leaf).nupkg"
        $published.Installed | Should -Contain 'Lumetra.Engram'
        $published.Installed | Should -Contain 'Lumetra.Engram.Embeddings'

        $manifest = Join-Path $installed "Lumetra.Engram/$(Split-Path $script:mainBase -Leaf)/Lumetra.Engram.psd1"
        $run = Invoke-FreshPwsh -ScriptPath $script:useEmbedder -Parameters @{ ModulePath = $manifest } -Environment @{ PSModulePath = (Join-Path $TestDrive 'empty') }
        $result = Get-ChildResult $run
        $result.Available | Should -BeTrue -Because $run.Text
        $result.Location | Should -BeLike "$installed*"
        $result.Dimensions | Should -Be 384
    }
}
