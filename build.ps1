#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, stages and tests the Lumetra.Engram module.

.DESCRIPTION
    Run it with the repo's pinned PowerShell: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test`.
    Needs only the .NET SDK; every other piece (Pester included) comes from NuGet. Never prompts.

    Tasks:
      Build  compile and stage an importable module at out/Lumetra.Engram/<version>/
      Test   Build, then the xunit suite, then Pester against the staged module in a fresh pwsh;
             ends with one line "N passed, N failed" and exits non-zero on any failure
      Clean  remove out/ and every bin/ and obj/ folder
      Demo   Build, then run examples/demo.ps1 on the embedded engine in a fresh pwsh
             (its database lives under out/demo/, nothing is left elsewhere)
      Publish  Build, then publish the staged module to the folder-based repository -Repository
             (created if needed); users then Install-Module / Install-PSResource from it
      Bench  Build, then bench/run.ps1: ingest, query latency, start-up and memory figures written to
             docs/benchmarks.md (-Quick: small sizes, written to out/bench/). Not run by CI
      Eval   bench/Engram.Eval over every set in bench/eval with every embedder: recall@1, recall@5 and MRR@10
             of the engine and of the BM25 and dense baselines, written to docs/retrieval.md. Not run by CI

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -SkipUnit -PesterPath tests/Pester/Module.Tests.ps1

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Publish -Repository ./out/repo
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Clean', 'Demo', 'Publish', 'Bench', 'Eval')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Run only the Pester part of Test.
    [switch] $SkipUnit,

    # Run only the xunit part of Test.
    [switch] $SkipPester,

    # An xunit filter expression (dotnet test --filter) for a focused run.
    [string] $UnitFilter,

    # Pester test files or folders for a focused run; default tests/Pester.
    [string[]] $PesterPath,

    # Publish: the folder-based repository to publish to (a local path or a file share).
    [string] $Repository,

    # Bench: a quick run with small sizes (see bench/run.ps1).
    [switch] $Quick
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ([Console]::IsOutputRedirected -or $env:CI) { $PSStyle.OutputRendering = 'PlainText' }

$env:DOTNET_NOLOGO = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleName = 'Lumetra.Engram'
$PesterVersion = '5.7.1'
$Manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'Engram.psd1')
$ModuleVersion = $Manifest.ModuleVersion
$StageDir = Join-Path $OutDir "$ModuleName/$ModuleVersion"
$StagedManifest = Join-Path $StageDir "$ModuleName.psd1"
$ResultsDir = Join-Path $OutDir 'test-results'

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

# Runs a native command and stops the build when it fails, so no step fails quietly.
function Invoke-Native {
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# Runs a script in a fresh process of the repo's pinned pwsh (found from the repo root through the tool
# manifest); its output goes to the host and its exit code is returned.
function Invoke-FreshPwsh([string] $File, [string[]] $ArgumentList) {
    Push-Location $RepoRoot
    try {
        & dotnet tool run pwsh -- -NoProfile -NonInteractive -File $File @ArgumentList | Out-Host
        $LASTEXITCODE
    }
    finally {
        Pop-Location
    }
}

function Invoke-Clean {
    Write-Step 'Clean'
    if (Test-Path $OutDir) { Remove-Item $OutDir -Recurse -Force }
    Get-ChildItem -Path (Join-Path $RepoRoot 'src'), (Join-Path $RepoRoot 'tests'), (Join-Path $RepoRoot 'build') -Directory -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -in 'bin', 'obj' } |
        Remove-Item -Recurse -Force
}

function Invoke-Build {
    Write-Step "Build $ModuleName $ModuleVersion ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $RepoRoot 'Engram.sln'), '-c', $Configuration, '-nologo', '-v', 'minimal')

    Invoke-Stage
    Invoke-StageEmbeddings
    $null = Test-ModuleManifest -Path $StagedManifest
    Write-Host "Staged $StagedManifest"
}

# The staged (and published) module:
#   Lumetra.Engram.psd1, Lumetra.Engram.psm1, Engram.PowerShell.Loader.dll   manifest, root module, loader
#   Lumetra.Engram.format.ps1xml, Lumetra.Engram.types.ps1xml, LICENSE, en-US/ (MAML and about_ help)
#   lib/  Engram.PowerShell.dll and every dependency, lib/runtimes/<rid>/native (SQLite; USearch for linux-x64,
#         osx-arm64, win-x64, loaded on first use of a large bucket by ModuleNatives)
# lib/ keeps the dependencies out of PowerShell's default probing: the loader gives them their own load
# context on PowerShell 7, so another module's versions of the same assemblies cannot collide with them.
function Invoke-Stage {
    Write-Step "Stage module at $StageDir"
    $binDir = Join-Path $RepoRoot "src/Engram.PowerShell/bin/$Configuration/netstandard2.0"
    $loaderDir = Join-Path $RepoRoot "src/Engram.PowerShell.Loader/bin/$Configuration/netstandard2.0"
    foreach ($required in (Join-Path $binDir 'Engram.PowerShell.dll'), (Join-Path $loaderDir 'Engram.PowerShell.Loader.dll')) {
        if (-not (Test-Path $required)) { throw "The build produced no $required." }
    }
    if (Test-Path $StageDir) { Remove-Item $StageDir -Recurse -Force }
    $libDir = Join-Path $StageDir 'lib'
    $null = New-Item -ItemType Directory -Path $libDir -Force

    # The assemblies the module loads; PowerShell itself provides System.Management.Automation.
    Get-ChildItem $binDir -Filter '*.dll' |
        Where-Object Name -ne 'System.Management.Automation.dll' |
        Copy-Item -Destination $libDir
    # SqliteNativeLoader looks for runtimes/<rid>/native next to Engram.Local.dll.
    Copy-Item (Join-Path $binDir 'runtimes') -Destination $libDir -Recurse

    $loaderSource = Join-Path $RepoRoot 'src/Engram.PowerShell.Loader'
    Copy-Item (Join-Path $loaderDir 'Engram.PowerShell.Loader.dll') -Destination $StageDir
    Copy-Item (Join-Path $loaderSource "$ModuleName.psm1") -Destination $StageDir
    Get-ChildItem (Join-Path $RepoRoot 'src/Engram.PowerShell') -Filter '*.ps1xml' | Copy-Item -Destination $StageDir
    Copy-Item (Join-Path $RepoRoot 'LICENSE') -Destination $StageDir
    Copy-Item (Join-Path $RepoRoot 'Engram.psd1') -Destination $StagedManifest

    # Help is generated from the staged module itself, so it describes exactly what ships.
    $helpBuilder = Join-Path $RepoRoot 'build/Build-Help.ps1'
    & $helpBuilder -ModulePath $StagedManifest -SourceDir (Join-Path $RepoRoot 'docs/help') -OutputDir $StageDir
}

# The companion module Lumetra.Engram.Embeddings, staged beside the main one at
# out/Lumetra.Engram.Embeddings/<version>/ (the layout Install-Module gives, where the main module's loader
# looks for it):
#   Lumetra.Engram.Embeddings.psd1 (no commands; requires Lumetra.Engram), LICENSE
#   lib/  Engram.Embeddings.Onnx.dll, Microsoft.ML.OnnxRuntime.dll, FastBertTokenizer.dll (and any other
#         dependency of theirs the main module lacks), runtimes/<rid>/native (ONNX Runtime),
#         models/all-MiniLM-L6-v2 (model, vocabulary, notices), ONNX Runtime's licence and notices
# The model and natives are ~210 MB on disk (~125 MB packed), 20x the main module, so they ship apart: the
# main module works without them (hashing, or an OpenAI-compatible endpoint) and keeps none of their files.
$EmbeddingsModuleName = 'Lumetra.Engram.Embeddings'
$EmbeddingsStageDir = Join-Path $OutDir "$EmbeddingsModuleName/$ModuleVersion"
$EmbeddingsOwnAssemblies = @('Engram.Embeddings.Onnx.dll', 'Microsoft.ML.OnnxRuntime.dll', 'FastBertTokenizer.dll')

function Invoke-StageEmbeddings {
    Write-Step "Stage companion module at $EmbeddingsStageDir"
    $binDir = Join-Path $RepoRoot "src/Engram.Embeddings.Onnx/bin/$Configuration/netstandard2.0"
    foreach ($required in ($EmbeddingsOwnAssemblies | ForEach-Object { Join-Path $binDir $_ }) + (Join-Path $binDir 'models/all-MiniLM-L6-v2/model.onnx')) {
        if (-not (Test-Path $required)) { throw "The build produced no $required." }
    }
    if (Test-Path $EmbeddingsStageDir) { Remove-Item $EmbeddingsStageDir -Recurse -Force }

    # The main module keeps none of the companion's files, should a reference bring them into its lib/.
    $mainLib = Join-Path $StageDir 'lib'
    $EmbeddingsOwnAssemblies | ForEach-Object { Join-Path $mainLib $_ } | Where-Object { Test-Path $_ } | Remove-Item -Force
    Get-ChildItem (Join-Path $mainLib 'runtimes') -Recurse -File -Filter '*onnxruntime*' -ErrorAction SilentlyContinue | Remove-Item -Force
    if (Test-Path (Join-Path $mainLib 'models')) { Remove-Item (Join-Path $mainLib 'models') -Recurse -Force }

    # The companion's lib/ holds its own assemblies and whatever else of theirs the main module lacks; the
    # main module's load context takes everything else (Microsoft.Extensions.AI.Abstractions, so the engine
    # and the embedder share one IEmbeddingGenerator type) from its own lib/ first.
    $libDir = Join-Path $EmbeddingsStageDir 'lib'
    $null = New-Item -ItemType Directory -Path $libDir -Force
    Get-ChildItem $binDir -Filter '*.dll' |
        Where-Object { $_.Name -in $EmbeddingsOwnAssemblies -or -not (Test-Path (Join-Path $mainLib $_.Name)) } |
        Copy-Item -Destination $libDir
    Copy-Item (Join-Path $binDir 'models') -Destination $libDir -Recurse
    Copy-Item (Join-Path $binDir 'runtimes') -Destination $libDir -Recurse
    Copy-Item (Join-Path $binDir 'ONNXRUNTIME-*.txt') -Destination $libDir
    Copy-Item (Join-Path $RepoRoot 'LICENSE') -Destination $EmbeddingsStageDir
    $manifest = (Get-Content -Raw (Join-Path $RepoRoot "src/Engram.Embeddings.Onnx/module/$EmbeddingsModuleName.psd1")) -replace "'0\.0\.0'", "'$ModuleVersion'"
    Set-Content -Path (Join-Path $EmbeddingsStageDir "$EmbeddingsModuleName.psd1") -Value $manifest -Encoding utf8
}

# Publishes the staged companion after the main module (it requires it). Its manifest's RequiredModules must
# resolve while it is packed, so out/ is on PSModulePath for that call only.
function Publish-EmbeddingsCompanion {
    Write-Step "Publish $EmbeddingsModuleName $ModuleVersion to $Repository"
    $saved = $env:PSModulePath
    $env:PSModulePath = $OutDir + [IO.Path]::PathSeparator + $saved
    try {
        $package = & (Join-Path $RepoRoot 'build/Publish-Module.ps1') -ModulePath $EmbeddingsStageDir -Repository $Repository
    }
    finally {
        $env:PSModulePath = $saved
    }
    Write-Host "Published $($package.FullName)"
    Write-Host "Install-PSResource $EmbeddingsModuleName -Repository Local installs both modules; Lumetra.Engram then finds the local model."
}

# Pester comes from NuGet, not the PowerShell Gallery: restore a download-only project and use the
# module folder the package carries under tools/.
function Get-PesterModulePath {
    $toolsProject = Join-Path $RepoRoot 'build/BuildTools.csproj'
    Invoke-Native dotnet @('restore', $toolsProject, '-nologo', '-v', 'quiet')
    $globalPackages = (& dotnet nuget locals global-packages --list | Select-Object -First 1) -replace '^global-packages:\s*', ''
    $pester = Join-Path $globalPackages.Trim() "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $pester)) {
        throw "Pester $PesterVersion was restored but $pester is missing."
    }
    $pester
}

function Read-TrxCounts([string] $TrxPath) {
    [xml] $trx = Get-Content -Raw $TrxPath
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int] $counters.passed
        Failed  = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        # VSTest's trx leaves notExecuted at 0 for [Fact(Skip=...)]; a skipped test is one counted but not executed.
        Skipped = [Math]::Max([int] $counters.notExecuted, [int] $counters.total - [int] $counters.executed)
    }
}

function Invoke-UnitTests {
    Write-Step 'xunit'
    $trxName = 'unit.trx'
    $trxPath = Join-Path $ResultsDir $trxName
    if (Test-Path $trxPath) { Remove-Item $trxPath -Force }
    $testArgs = @(
        'test', (Join-Path $RepoRoot 'tests/Unit/Engram.Tests.Unit.csproj'),
        '-c', $Configuration, '--no-build', '-nologo',
        '--results-directory', $ResultsDir,
        '--logger', "trx;LogFileName=$trxName",
        '--logger', 'console;verbosity=normal',
        # A hung test fails the run and is named in the output, instead of holding CI until its time limit.
        '--blame-hang-timeout', '10m', '--blame-hang-dump-type', 'none'
    )
    if ($UnitFilter) { $testArgs += @('--filter', $UnitFilter) }
    & dotnet @testArgs | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $trxPath)) {
        throw "dotnet test exited with $exit and wrote no results to $trxPath."
    }
    $counts = Read-TrxCounts $trxPath
    if ($exit -ne 0 -and $counts.Failed -eq 0) {
        # The runner failed in a way the counters do not show (a crashed test host): count it.
        $counts.Failed = 1
    }
    $counts
}

function Invoke-PesterTests {
    Write-Step 'Pester (fresh pwsh, staged module)'
    $pesterModule = Get-PesterModulePath
    $resultFile = Join-Path $ResultsDir 'pester.json'
    if (Test-Path $resultFile) { Remove-Item $resultFile -Force }
    $paths = if ($PesterPath) { $PesterPath | ForEach-Object { (Resolve-Path $_).Path } } else { @(Join-Path $RepoRoot 'tests/Pester') }

    # A fresh process, so the tests see the staged module exactly as a user's session would.
    $exit = Invoke-FreshPwsh (Join-Path $RepoRoot 'build/Invoke-PesterRun.ps1') @(
        '-PesterModule', $pesterModule, '-ModuleManifest', $StagedManifest,
        '-TestPath', ($paths -join [IO.Path]::PathSeparator), '-ResultFile', $resultFile)
    if (-not (Test-Path $resultFile)) {
        throw "The Pester run exited with $exit and wrote no results to $resultFile."
    }
    $counts = Get-Content -Raw $resultFile | ConvertFrom-Json
    $result = [pscustomobject]@{ Passed = [int] $counts.Passed; Failed = [int] $counts.Failed; Skipped = [int] $counts.Skipped }
    if ($exit -ne 0 -and $result.Failed -eq 0) { $result.Failed = 1 }
    $result
}

function Invoke-Test {
    Invoke-Build
    $null = New-Item -ItemType Directory -Path $ResultsDir -Force
    $total = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $parts = @()
    if (-not $SkipUnit) { $parts += , @('xunit', (Invoke-UnitTests)) }
    if (-not $SkipPester) { $parts += , @('Pester', (Invoke-PesterTests)) }
    foreach ($part in $parts) {
        $name, $c = $part
        Write-Host ("{0,-7} {1} passed, {2} failed, {3} skipped" -f $name, $c.Passed, $c.Failed, $c.Skipped)
        $total.Passed += $c.Passed
        $total.Failed += $c.Failed
        $total.Skipped += $c.Skipped
    }
    if ($total.Passed + $total.Failed -eq 0) {
        throw 'No test ran.'
    }
    # The one closing line CI reads.
    Write-Host ("{0} passed, {1} failed" -f $total.Passed, $total.Failed)
    if ($total.Failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo (fresh pwsh, embedded engine)'
    $demoDir = Join-Path $OutDir 'demo'
    # A fresh database each run, so the demo shows first ingestion and then dedup.
    if (Test-Path $demoDir) { Remove-Item $demoDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $demoDir -Force
    $exit = Invoke-FreshPwsh (Join-Path $RepoRoot 'examples/demo.ps1') @(
        '-ModulePath', $StagedManifest, '-DatabasePath', (Join-Path $demoDir 'engram.db'))
    if ($exit -ne 0) { throw "The demo failed with exit code $exit." }
}

function Invoke-Publish {
    if (-not $Repository) {
        throw 'Publish needs -Repository <folder>: the folder-based repository to publish to (it is created if needed).'
    }
    Invoke-Build
    Write-Step "Publish $ModuleName $ModuleVersion to $Repository"
    $package = & (Join-Path $RepoRoot 'build/Publish-Module.ps1') -ModulePath $StageDir -Repository $Repository
    Write-Host "Published $($package.FullName)"
    Write-Host "Install with: Register-PSResourceRepository -Name Local -Uri '$($package.DirectoryName)' -Trusted; Install-PSResource $ModuleName -Repository Local"
    Publish-EmbeddingsCompanion
}

function Invoke-Bench {
    Invoke-Build
    Write-Step 'Bench (bench/run.ps1)'
    $command = 'dotnet pwsh ./build.ps1 -Task Bench' + $(if ($Quick) { ' -Quick' } else { '' })
    & (Join-Path $RepoRoot 'bench/run.ps1') -ModuleManifest $StagedManifest -Quick:$Quick -InvokedAs $command
}

# Retrieval quality (bench/eval, bench/Engram.Eval): needs no staged module, only the engine.
function Invoke-Eval {
    Write-Step 'Eval (bench/Engram.Eval)'
    $project = Join-Path $RepoRoot 'bench/Engram.Eval'
    Invoke-Native dotnet @('build', $project, '-c', $Configuration, '-nologo', '-v', 'minimal')
    $dll = Join-Path $project "bin/$Configuration/net10.0/Engram.Eval.dll"
    Invoke-Native dotnet @($dll, 'run', '--embedder', 'all', '--eval-root', (Join-Path $RepoRoot 'bench/eval'),
        '--out', (Join-Path $RepoRoot 'docs/retrieval.md'), '--command', 'dotnet pwsh ./build.ps1 -Task Eval')
}

foreach ($t in $Task) {
    switch ($t) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Publish' { Invoke-Publish }
        'Bench' { Invoke-Bench }
        'Eval' { Invoke-Eval }
    }
}
