<#
.SYNOPSIS
    Runs Pester in this (fresh) process against a staged module and writes the counts as JSON.
    Called by build.ps1 -Task Test; not meant to be run by hand.
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultFile
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# Logs and CI read plain text; colours only for a person at a terminal.
if ([Console]::IsOutputRedirected -or $env:CI) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module $PesterModule -Force

# The tests import the module from here, never from a build folder.
$env:ENGRAM_TEST_MODULE = $ModuleManifest

$config = New-PesterConfiguration
$config.Run.Path = $TestPath -split [IO.Path]::PathSeparator
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.Output.CIFormat = 'None'
$result = Invoke-Pester -Configuration $config

[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $ResultFile -Encoding utf8
if ($result.Result -ne 'Passed') { exit 1 }
