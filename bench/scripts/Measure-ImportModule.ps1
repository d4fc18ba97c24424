<#
.SYNOPSIS
    One fresh pwsh: how long Import-Module of the staged module takes, timed inside the process, and which
    modules and assemblies the import alone brought in.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultFile
)
$ErrorActionPreference = 'Stop'
$modulesBefore = @(Get-Module -All).Name
$assembliesBefore = [System.AppDomain]::CurrentDomain.GetAssemblies().Count
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$cpuBefore = $process.TotalProcessorTime
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $ModuleManifest
$clock.Stop()
$process.Refresh()
$cpu = $process.TotalProcessorTime - $cpuBefore
$assembliesAfter = [System.AppDomain]::CurrentDomain.GetAssemblies().Count
@{
    milliseconds     = [math]::Round($clock.Elapsed.TotalMilliseconds, 1)
    # CPU time of the whole process meanwhile (JIT threads included; 10 ms ticks on Linux): less sensitive than
    # the wall clock to other work on a busy machine.
    cpu_milliseconds = [math]::Round($cpu.TotalMilliseconds, 1)
    # Other modules the import auto-loaded (for example Microsoft.PowerShell.Utility by a Select-Object).
    modules_loaded   = @((Get-Module -All).Name | Where-Object { $_ -notin $modulesBefore -and $_ -notlike 'dynamic_code_module_*' -and $_ -ne 'Lumetra.Engram' })
    assemblies_added = $assembliesAfter - $assembliesBefore
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile -Encoding utf8
