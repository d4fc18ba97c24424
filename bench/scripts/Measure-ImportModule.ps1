<#
.SYNOPSIS
    One fresh pwsh: how long Import-Module of the staged module takes, timed inside the process.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultFile
)
$ErrorActionPreference = 'Stop'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $ModuleManifest
$clock.Stop()
@{ milliseconds = [math]::Round($clock.Elapsed.TotalMilliseconds, 1) } | ConvertTo-Json | Set-Content -LiteralPath $ResultFile -Encoding utf8
