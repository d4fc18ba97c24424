<#
.SYNOPSIS
    Import-Module of two staged builds side by side: fresh pwsh processes alternating between them (A, B, A,
    B, ...), so both see the same machine load. Prints each build's runs and median, and the ratio.
.EXAMPLE
    dotnet pwsh bench/scripts/Compare-ImportModule.ps1 -Baseline /tmp/old/Lumetra.Engram/0.1.0/Lumetra.Engram.psd1 -Candidate out/Lumetra.Engram/0.1.0/Lumetra.Engram.psd1 -Runs 9
#>
param(
    [Parameter(Mandatory)] [string] $Baseline,
    [Parameter(Mandatory)] [string] $Candidate,
    [int] $Runs = 7
)
$ErrorActionPreference = 'Stop'
$measure = Join-Path $PSScriptRoot 'Measure-ImportModule.ps1'
$result = [System.IO.Path]::GetTempFileName()
$builds = [ordered]@{ baseline = $Baseline; candidate = $Candidate }
$times = @{ baseline = [System.Collections.Generic.List[double]]::new(); candidate = [System.Collections.Generic.List[double]]::new() }
$cpu = @{ baseline = [System.Collections.Generic.List[double]]::new(); candidate = [System.Collections.Generic.List[double]]::new() }
$modules = @{}
try {
    foreach ($i in 1..$Runs) {
        foreach ($name in $builds.Keys) {
            & dotnet tool run pwsh -- -NoProfile -NonInteractive -File $measure -ModuleManifest $builds[$name] -ResultFile $result
            if ($LASTEXITCODE -ne 0) { throw "Measure-ImportModule.ps1 failed for $($builds[$name])." }
            $run = Get-Content -LiteralPath $result -Raw | ConvertFrom-Json
            $times[$name].Add($run.milliseconds)
            $cpu[$name].Add($run.cpu_milliseconds)
            $modules[$name] = @($run.modules_loaded) -join ', '
        }
    }
}
finally { Remove-Item -LiteralPath $result -ErrorAction SilentlyContinue }

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $mid = [int][math]::Floor(($sorted.Count - 1) / 2)
    if ($sorted.Count % 2 -eq 0) { ($sorted[$mid] + $sorted[$mid + 1]) / 2 } else { $sorted[$mid] }
}

$medians = @{}
$cpuMedians = @{}
foreach ($name in $builds.Keys) {
    $medians[$name] = Get-Median $times[$name]
    $cpuMedians[$name] = Get-Median $cpu[$name]
    '{0,-9} median {1,7:N1} ms (CPU {2:N0} ms)  runs: {3}  other modules loaded: {4}' -f $name, $medians[$name], $cpuMedians[$name], (($times[$name] | ForEach-Object { '{0:N1}' -f $_ }) -join ', '), $(if ($modules[$name]) { $modules[$name] } else { 'none' })
}
'candidate / baseline: {0:P0} wall clock, {1:P0} CPU' -f ($medians.candidate / $medians.baseline), ($cpuMedians.candidate / $cpuMedians.baseline)
'load average: ' + (Get-Content /proc/loadavg -ErrorAction SilentlyContinue)
