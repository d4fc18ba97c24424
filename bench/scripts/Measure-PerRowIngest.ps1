<#
.SYNOPSIS
    One fresh pwsh: the one-request-per-row loop (foreach row: Add-EngramMemory with one -Content), the
    pattern the official clients offer, against a server in another process.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $Csv,
    [Parameter(Mandatory)] [string] $BaseUrl,
    [Parameter(Mandatory)] [string] $ApiKey,
    [Parameter(Mandatory)] [string] $ResultFile,
    [string] $Bucket = 'bench'
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

Import-Module $ModuleManifest
Connect-Engram -BaseUrl $BaseUrl -ApiKey $ApiKey
$rows = @(Import-Csv -LiteralPath $Csv)

# Connection and JIT warmed before the clock starts, into another bucket.
foreach ($row in $rows[0..19]) { $null = Add-EngramMemory -Content $row.Content -Bucket 'warmup' -Dedup Off }

$clock = [System.Diagnostics.Stopwatch]::StartNew()
foreach ($row in $rows) {
    $null = Add-EngramMemory -Content $row.Content -Bucket $Bucket -Dedup Off
}
$clock.Stop()

[ordered]@{
    rows            = $rows.Count
    seconds         = [math]::Round($clock.Elapsed.TotalSeconds, 3)
    rows_per_second = [math]::Round($rows.Count / $clock.Elapsed.TotalSeconds, 1)
} | ConvertTo-Json | Set-Content -LiteralPath $ResultFile -Encoding utf8
