<#
.SYNOPSIS
    Issue 14's in-process ingest figures side by side in one run: the storage ceiling, an earlier engine and this
    one, with the default dedup and with dedup off, round after round, as rows/s ÷ the same round's ceiling and CPU
    time per row.
.DESCRIPTION
    Each cell is a fresh Engram.Bench process on a fresh database file. A round runs: ceiling (`ingest-sqlite`, the
    yardstick every ratio is taken against), with -CeilingVariants also this bench's ceiling with the engine's fact-key
    index and the ceiling with its seq read from the last rowid instead of RETURNING (what the engine does), the
    earlier engine's default dedup and dedup off (one StoreMemoriesAsync call per 100 rows; the default dedup also in
    one call for all rows, which an earlier engine without --per-call runs as one call per 100), this
    engine's default dedup and dedup off with one call for all rows (chunks of 100 prepared one ahead of the writer,
    up to 1,000 rows a transaction), and this engine's default dedup with one call per 100 rows. The medians over
    -Rounds are printed.
    Build the earlier engine's bench in another checkout and pass its folder as -BeforeBin, e.g.
        dotnet pwsh ./bench/scripts/Measure-IngestSideBySide.ps1 -BeforeBin /tmp/ingest-base -Rows 10000 -Rounds 4
#>
param(
    [Parameter(Mandatory)] [string] $BeforeBin,
    [string] $AfterBin,
    [int] $Rows = 10000,
    [int] $Rounds = 4,
    [switch] $CeilingVariants,
    [string] $WorkDir = (Join-Path ([System.IO.Path]::GetTempPath()) "engram-ingest-sbs-$PID")
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
if (-not $AfterBin) { $AfterBin = Join-Path $RepoRoot 'bench/Engram.Bench/bin/Release/net10.0' }
$null = New-Item -ItemType Directory -Path $WorkDir -Force
$db = Join-Path $WorkDir 'ingest.db'
$resultFile = Join-Path $WorkDir 'result.json'

$cells = @(
    @{ Name = 'Storage ceiling'; Bin = $BeforeBin; Args = @('ingest-sqlite') }
    if ($CeilingVariants) {
        @{ Name = 'Storage ceiling + fact-key index'; Bin = $AfterBin; Args = @('ingest-sqlite', '--fact-key-index', '1') }
        @{ Name = 'Storage ceiling, last rowid, no RETURNING'; Bin = $AfterBin; Args = @('ingest-sqlite', '--returning', '0') }
    }
    @{ Name = 'Default dedup, before'; Bin = $BeforeBin; Args = @('ingest-inproc', '--dedup', 'default') }
    @{ Name = 'Default dedup, before, one call'; Bin = $BeforeBin; Args = @('ingest-inproc', '--dedup', 'default', '--per-call', $Rows) }
    @{ Name = 'Dedup off, before'; Bin = $BeforeBin; Args = @('ingest-inproc', '--dedup', 'off') }
    @{ Name = 'Default dedup, after, one call'; Bin = $AfterBin; Args = @('ingest-inproc', '--dedup', 'default', '--per-call', $Rows) }
    @{ Name = 'Dedup off, after, one call'; Bin = $AfterBin; Args = @('ingest-inproc', '--dedup', 'off', '--per-call', $Rows) }
    @{ Name = 'Default dedup, after, one call per 100 rows'; Bin = $AfterBin; Args = @('ingest-inproc', '--dedup', 'default') }
)
$ratios = @{}; $cpu = @{}
foreach ($cell in $cells) { $ratios[$cell.Name] = [System.Collections.Generic.List[double]]::new(); $cpu[$cell.Name] = [System.Collections.Generic.List[double]]::new() }
$load = [System.Collections.Generic.List[string]]::new()

for ($round = 1; $round -le $Rounds; $round++) {
    if (Test-Path '/proc/loadavg') { $load.Add((Get-Content '/proc/loadavg').Split(' ')[0]) }
    $ceiling = $null
    foreach ($cell in $cells) {
        foreach ($suffix in '', '-wal', '-shm', '.usearch', '.closed') { Remove-Item -LiteralPath ($db + $suffix) -Force -ErrorAction SilentlyContinue }
        & dotnet (Join-Path $cell.Bin 'Engram.Bench.dll') @($cell.Args + @('--rows', $Rows, '--db', $db, '--result', $resultFile)) | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "$($cell.Name) failed (exit $LASTEXITCODE)." }
        $r = Get-Content -Raw $resultFile | ConvertFrom-Json
        if ($null -eq $ceiling) { $ceiling = $r.rows_per_second }
        $ratios[$cell.Name].Add($r.rows_per_second / $ceiling)
        $cpu[$cell.Name].Add(1e6 * $r.cpu_seconds / $r.rows)
        Write-Host ("round {0}: {1,-45} {2,8:N0} rows/s {3,5:P0} of the ceiling, {4,4:N0} µs CPU per row" -f $round, $cell.Name, $r.rows_per_second, ($r.rows_per_second / $ceiling), (1e6 * $r.cpu_seconds / $r.rows))
    }
}

function Get-Median([System.Collections.Generic.List[double]] $values) {
    $sorted = @($values | Sort-Object)
    if ($sorted.Count % 2 -eq 1) { return $sorted[[int][math]::Floor($sorted.Count / 2)] }
    return ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2
}

Write-Host ''
Write-Host "$Rows rows, $Rounds rounds, load average at each round's start: $($load -join ', ')"
Write-Host '| Cell | Rows/s ÷ ceiling, median (per round) | CPU µs per row, median |'
Write-Host '|---|---:|---:|'
foreach ($cell in $cells) {
    $perRound = ($ratios[$cell.Name] | ForEach-Object { [math]::Round(100 * $_) }) -join ' '
    Write-Host ("| {0} | {1:N1} % ({2}) | {3:N0} |" -f $cell.Name, (100 * (Get-Median $ratios[$cell.Name])), $perRound, (Get-Median $cpu[$cell.Name]))
}
Remove-Item -Recurse -Force $WorkDir -ErrorAction SilentlyContinue
