<#
.SYNOPSIS
    One fresh pwsh: Import-Csv | Add-EngramMemory (the default dedup, or -Dedup Off) against a server in another
    process (-BaseUrl), or in-process on a database file (-LocalDatabase, Connect-Engram -Local): the same pipeline,
    so the two runs differ only in the transport. Writes rows, seconds, rows/s and this process's peak working set
    (VmHWM on Linux) as JSON.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $Csv,
    [Parameter(Mandatory, ParameterSetName = 'Http')] [string] $BaseUrl,
    [Parameter(Mandatory, ParameterSetName = 'Http')] [string] $ApiKey,
    [Parameter(Mandatory, ParameterSetName = 'Local')] [string] $LocalDatabase,
    [Parameter(Mandatory)] [string] $ResultFile,
    [string] $Bucket = 'bench',
    # Default: no -Dedup (what a user gets); Off, Loose or Strict: passed as -Dedup.
    [ValidateSet('Default', 'Off', 'Loose', 'Strict')] [string] $Dedup = 'Default'
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module $ModuleManifest
if ($PSCmdlet.ParameterSetName -eq 'Local') { Connect-Engram -Local -Path $LocalDatabase } else { Connect-Engram -BaseUrl $BaseUrl -ApiKey $ApiKey }

# Results stream through Measure-Object: nothing is collected, so memory shows what the cmdlet itself holds.
$failures = $null
$cpuBefore = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$dedupArgument = if ($Dedup -eq 'Default') { @{} } else { @{ Dedup = $Dedup } }
$stored = (Import-Csv -LiteralPath $Csv | Add-EngramMemory -Bucket $Bucket @dedupArgument -ErrorAction SilentlyContinue -ErrorVariable failures | Measure-Object).Count
$clock.Stop()
$cpu = [System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime - $cpuBefore

[ordered]@{
    rows                   = $stored
    failed                 = @($failures).Count
    seconds                = [math]::Round($clock.Elapsed.TotalSeconds, 3)
    rows_per_second        = [math]::Round($stored / $clock.Elapsed.TotalSeconds, 1)
    cpu_seconds            = [math]::Round($cpu.TotalSeconds, 3)
    peak_working_set_bytes = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile -Encoding utf8
