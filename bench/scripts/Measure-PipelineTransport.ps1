<#
.SYNOPSIS
    The same `Import-Csv | Add-EngramMemory` pipeline over loopback HTTP (server in its own process) and in-process
    (Connect-Engram -Local), side by side in one run: prints each run's rows/s and the HTTP ÷ in-process ratio.

.DESCRIPTION
    Each run is a fresh pwsh on a fresh database file (Measure-PipelineIngest.ps1). The two transports alternate
    (-Rounds pairs), so a change in the machine's load hits both; the ratio uses the median of each side.
    Reproduce issue 14's HTTP figure:
        dotnet pwsh ./bench/scripts/Measure-PipelineTransport.ps1 -Rows 10000 -Rounds 3

.PARAMETER Dedup
    Default (no -Dedup, what a user gets) or Off.
#>
param(
    [int] $Rows = 10000,
    [int] $Rounds = 3,
    [ValidateSet('Default', 'Off')] [string] $Dedup = 'Default',
    [string] $ModuleManifest,
    [string] $BenchDll,
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) "engram-transport-$PID")
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
if (-not $ModuleManifest) {
    $version = (Import-PowerShellDataFile (Join-Path $RepoRoot 'Engram.psd1')).ModuleVersion
    $ModuleManifest = Join-Path $RepoRoot "out/Lumetra.Engram/$version/Lumetra.Engram.psd1"
}
if (-not $BenchDll) { $BenchDll = Join-Path $RepoRoot 'bench/Engram.Bench/bin/Release/net10.0/Engram.Bench.dll' }
foreach ($file in $ModuleManifest, $BenchDll) {
    if (-not (Test-Path $file)) { throw "Missing ${file}: run build.ps1 -Task Build and dotnet build bench/Engram.Bench -c Release first." }
}
$null = New-Item -ItemType Directory -Path $WorkDir -Force
$apiKey = 'bench-' + [guid]::NewGuid().ToString('N')

function Remove-Database([string] $Path) {
    foreach ($suffix in '', '-wal', '-shm', '.usearch') { Remove-Item -LiteralPath ($Path + $suffix) -Force -ErrorAction SilentlyContinue }
}

function Invoke-Pipeline([hashtable] $Arguments) {
    $list = foreach ($key in $Arguments.Keys) { "-$key"; $Arguments[$key] }
    Push-Location $RepoRoot
    try { & dotnet tool run pwsh -- -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Measure-PipelineIngest.ps1') @list | Out-Host }
    finally { Pop-Location }
    if ($LASTEXITCODE -ne 0) { throw "Measure-PipelineIngest.ps1 failed with exit code $LASTEXITCODE." }
    Get-Content -LiteralPath $Arguments.ResultFile -Raw | ConvertFrom-Json
}

$csv = Join-Path $WorkDir "facts-$Rows.csv"
& dotnet $BenchDll generate --rows $Rows --out $csv | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Engram.Bench generate failed.' }

$loadBefore = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3
$results = [System.Collections.Generic.List[object]]::new()
for ($round = 1; $round -le $Rounds; $round++) {
    $db = Join-Path $WorkDir 'local.db'
    Remove-Database $db
    $local = Invoke-Pipeline @{ ModuleManifest = $ModuleManifest; Csv = $csv; LocalDatabase = $db; ResultFile = (Join-Path $WorkDir 'local.json'); Dedup = $Dedup }
    Remove-Database $db

    $db = Join-Path $WorkDir 'http.db'
    Remove-Database $db
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($BenchDll, 'serve', '--db', $db, '--api-key', $apiKey)) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $server = [System.Diagnostics.Process]::Start($info)
    try {
        $line = $server.StandardOutput.ReadLine()
        if ($line -notmatch '^LISTENING (\S+)$') { throw "The bench server did not start (said: '$line')." }
        $http = Invoke-Pipeline @{ ModuleManifest = $ModuleManifest; Csv = $csv; BaseUrl = $Matches[1]; ApiKey = $apiKey; ResultFile = (Join-Path $WorkDir 'http.json'); Dedup = $Dedup }
    }
    finally {
        $server.StandardInput.WriteLine('stop')
        $server.StandardInput.Close()
        $serverCpu = $null
        foreach ($line in ($server.StandardOutput.ReadToEnd() -split "`n")) { if ($line -match '^CPU_SECONDS (\S+)') { $serverCpu = [double] $Matches[1] } }
        if (-not $server.WaitForExit(30000)) { $server.Kill() }
        Remove-Database $db
    }

    $row = [pscustomobject]@{
        round       = $round
        local_rps   = $local.rows_per_second
        http_rps    = $http.rows_per_second
        ratio       = [math]::Round($http.rows_per_second / $local.rows_per_second, 3)
        local_cpu_s = $local.cpu_seconds
        http_client_cpu_s = $http.cpu_seconds
        http_server_cpu_s = $serverCpu
        local_rows  = $local.rows
        http_rows   = $http.rows
        failed      = $local.failed + $http.failed
    }
    $results.Add($row)
    Write-Host ("round {0}: in-process {1:N0} rows/s ({4:N2} CPU s), HTTP {2:N0} rows/s ({5:N2} CPU s in pwsh + {6:N2} in the server), ratio {3:P0}" -f $round, $row.local_rps, $row.http_rps, $row.ratio, $row.local_cpu_s, $row.http_client_cpu_s, $row.http_server_cpu_s)
}

$median = { param($values) $sorted = @($values | Sort-Object); $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)] }
$localMedian = & $median $results.local_rps
$httpMedian = & $median $results.http_rps
$loadAfter = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3
[pscustomobject]@{
    rows             = $Rows
    dedup            = $Dedup
    rounds           = $Rounds
    local_median_rps = $localMedian
    http_median_rps  = $httpMedian
    ratio            = [math]::Round($httpMedian / $localMedian, 3)
    load_before      = $loadBefore -join ' '
    load_after       = $loadAfter -join ' '
    runs             = $results
} | ConvertTo-Json -Depth 4
Remove-Item -LiteralPath $WorkDir -Recurse -Force -ErrorAction SilentlyContinue
